#!/usr/bin/env python3
"""Writes Tests/OIDCDoctorCoreTests/Scenarios/cloudformation.json: CloudFormation and CDK
templates as written (YAML and JSON, short and long tags), each with the stack's settings and
what STS would answer. Expected positions are not typed by hand: each case names the text the
primary finding must point at (`at`, optionally the n-th occurrence), and the line and column
are computed from the template here.

    python3 Tests/make-cloudformation-corpus.py
"""
import json
import os

HOST = "gitlab.example.com"
SUB = "project_path:mygroup/myproject:ref_type:branch:ref:main"
ROLE_ARN = "arn:aws:iam::111122223333:role/gitlab-deploy"


def role_yaml(principal, conditions, *, logical="DeployRole", role_name="gitlab-deploy", extra_statements="", props=""):
    name = f"        RoleName: {role_name}\n" if role_name else ""
    return f"""    {logical}:
      Type: AWS::IAM::Role
      Properties:
{name}        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal:
                Federated: {principal}
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
{conditions}{extra_statements}{props}"""


def string_equals(key_value_lines):
    return "                StringEquals:\n" + "".join(f"                  {k}: {v}\n" for k, v in key_value_lines)


def template(resources, parameters="", conditions="", mappings="", header="AWSTemplateFormatVersion: \"2010-09-09\"\n"):
    out = header
    if parameters:
        out += "Parameters:\n" + parameters
    if mappings:
        out += "Mappings:\n" + mappings
    if conditions:
        out += "Conditions:\n" + conditions
    out += "Resources:\n" + resources
    return out


ACCOUNT_PRINCIPAL = f"!Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{HOST}"
PROJECT_PARAM = "  GitLabProject:\n    Type: String\n    Default: mygroup/myproject\n"
SUB_FROM_PARAM = string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Sub "project_path:${GitLabProject}:ref_type:branch:ref:main"'),
])
PLAIN = string_equals([(f"{HOST}:aud", f"https://{HOST}"), (f"{HOST}:sub", SUB)])

cases = []


def case(name, text, expect, at=None, nth=1, **settings):
    c = {"name": "cfn: " + name, "template": text}
    c.update(settings)
    e = dict(expect)
    if at is not None:
        k = -1
        for _ in range(nth):
            k = text.index(at, k + 1)
        line = text.count("\n", 0, k) + 1
        column = k - (text.rfind("\n", 0, k) + 1) + 1
        e["line"], e["column"] = line, column
    c["expect"] = e
    cases.append(c)


# --- Parameters -------------------------------------------------------------------------------
t = template(role_yaml(ACCOUNT_PRINCIPAL, SUB_FROM_PARAM), parameters=PROJECT_PARAM)
case("parameter default admits the job, account from the stack without --role-arn", t, {"decision": "allow"})
case("--parameter overrides the default: the project differs", t,
     {"decision": "deny", "cause": "condition.project-mismatch", "message": "other/project"},
     at='!Sub "project_path:${GitLabProject}', parameters={"GitLabProject": "other/project"})
case("--parameter with the right value", t, {"decision": "allow"}, parameters={"GitLabProject": "mygroup/myproject"},
     roleArn=ROLE_ARN)
t = template(role_yaml(ACCOUNT_PRINCIPAL, SUB_FROM_PARAM), parameters="  GitLabProject:\n    Type: String\n")
case("a parameter with no default and no value decides: unknown", t,
     {"decision": "unknown", "cause": "input.unresolved", "message": "GitLabProject"})
case("a parameter with no default, given", t, {"decision": "allow"}, parameters={"GitLabProject": "mygroup/myproject"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", "!Ref Audience"),
    (f"{HOST}:sub", "project_path:mygroup/myproject:ref_type:branch:ref:release"),
])), parameters="  Audience:\n    Type: String\n")
case("an unknown parameter that cannot change the answer: the branch differs anyway", t,
     {"decision": "deny", "cause": "condition.ref-mismatch"}, at="project_path:mygroup/myproject:ref_type:branch:ref:release")
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", "!Select [0, !Ref Subjects]"),
])), parameters=f"  Subjects:\n    Type: CommaDelimitedList\n    Default: \"{SUB},project_path:mygroup/other:ref_type:branch:ref:main\"\n")
case("CommaDelimitedList parameter and Fn::Select", t, {"decision": "allow"})
case("CommaDelimitedList given as --parameter", t, {"decision": "deny", "cause": "condition.project-mismatch"},
     parameters={"Subjects": "project_path:mygroup/other:ref_type:branch:ref:main"})
t = template(role_yaml("!Ref ProviderArn", PLAIN),
             parameters=f"  ProviderArn:\n    Type: String\n    Default: arn:aws:iam::111122223333:oidc-provider/{HOST}\n")
case("provider ARN from a parameter default, with --role-arn in its account", t, {"decision": "allow"}, roleArn=ROLE_ARN)
case("provider ARN from a parameter default, role in another account", t, {"decision": "deny", "cause": "principal.mismatch"},
     roleArn="arn:aws:iam::444455556666:role/gitlab-deploy")

# --- The stack's account and other pseudo parameters ------------------------------------------
t = template(role_yaml(f"arn:aws:iam::111122223333:oidc-provider/{HOST}", PLAIN))
case("a literal account without --role-arn: the role's account is not known", t,
     {"decision": "unknown", "cause": "input.unresolved"})
case("a literal partition: --region gives the stack's", template(role_yaml(f"!Sub arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{HOST}", PLAIN)),
     {"decision": "allow"}, region="eu-central-1")
case("a literal partition without --region or --role-arn: unknown", template(role_yaml(f"!Sub arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{HOST}", PLAIN)),
     {"decision": "unknown", "cause": "input.unresolved", "fix": "--region"})
case("a literal account, --role-arn in that account", t, {"decision": "allow"}, roleArn=ROLE_ARN)
case("a literal account, --role-arn in another account", t, {"decision": "deny", "cause": "principal.mismatch"},
     roleArn="arn:aws:iam::444455556666:role/gitlab-deploy")
t = template(role_yaml("!Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/gitlab.other.com",
                       string_equals([("gitlab.other.com:sub", SUB)])))
case("the account is unknown but the provider host already differs: deny stands", t,
     {"decision": "deny", "cause": "principal.mismatch"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Sub "project_path:mygroup/myproject:ref_type:branch:ref:${AWS::StackName}"'),
])))
case("AWS::StackName without --stack-name decides: unknown", t, {"decision": "unknown", "cause": "input.unresolved",
                                                                 "message": "stack"})
case("AWS::StackName from --stack-name", t, {"decision": "allow"}, stackName="main")

# --- CDK and providers in the same template ---------------------------------------------------
def cdk(client_ids, principal=None):
    doc = {
        "Resources": {
            "GitLabProviderF00D": {
                "Type": "Custom::AWSCDKOpenIdConnectProvider",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["CustomAWSCDKOpenIdConnectProviderCustomResourceProviderHandlerF2C543E0", "Arn"]},
                               "ClientIDList": client_ids, "Url": f"https://{HOST}", "CodeHash": "abc"},
                "UpdateReplacePolicy": "Delete", "DeletionPolicy": "Delete"},
            "DeployRoleB1A2C3D4": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {
                    "Statement": [{
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {"StringEquals": {f"{HOST}:aud": f"https://{HOST}"},
                                      "StringLike": {f"{HOST}:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}},
                        "Effect": "Allow",
                        "Principal": {"Federated": principal or {"Ref": "GitLabProviderF00D"}}}],
                    "Version": "2012-10-17"}}},
        },
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}},
    }
    return json.dumps(doc, indent=1)


case("CDK synth output: the provider in the same template, job admitted", cdk([f"https://{HOST}"]), {"decision": "allow"})
t = cdk(["sts.amazonaws.com"])
case("CDK provider whose client id list lacks the token's aud", t, {"decision": "deny", "cause": "provider.audience"})
t = cdk([f"https://{HOST}"], principal={"Fn::ImportValue": "GitLabProviderArn"})
case("a provider imported from another stack decides: unknown", t, {"decision": "unknown", "cause": "input.unresolved",
                                                                    "message": "ImportValue GitLabProviderArn"})
t = t.replace("ref:main", "ref:release")
case("an imported provider, but the branch differs: deny stands", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at='"project_path:mygroup/myproject:ref_type:branch:ref:release"')
provider = f"""    GitLabProvider:
      Type: AWS::IAM::OIDCProvider
      Properties:
        Url: https://{HOST}
        ClientIdList:
          - https://{HOST}
"""
t = template(provider + role_yaml("!GetAtt GitLabProvider.Arn", PLAIN))
case("AWS::IAM::OIDCProvider by GetAtt", t, {"decision": "allow"})
t = template(provider + role_yaml("!Ref GitLabProvider", PLAIN.replace(f"https://{HOST}", "sts.amazonaws.com")))
case("AWS::IAM::OIDCProvider by Ref, the aud condition differs from the token", t,
     {"decision": "deny", "cause": "condition.audience-mismatch"}, at="sts.amazonaws.com")
t = template(f"""    Subjects:
      Type: Custom::Subjects
      Properties:
        ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:subjects
""" + role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Split [",", !GetAtt Subjects.Values]'),
])))
case("a custom resource's output decides: unknown, never a confident deny", t,
     {"decision": "unknown", "cause": "input.unresolved", "message": "custom resource"})

# --- Conditions, Fn::If and AWS::NoValue ------------------------------------------------------
env_param = "  Env:\n    Type: String\n    Default: dev\n    AllowedValues: [dev, prod]\n"
is_prod = "  IsProd: !Equals [!Ref Env, prod]\n"
if_statements = f"""    DeployRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - !If
              - IsProd
              - Effect: Allow
                Principal:
                  Federated: {ACCOUNT_PRINCIPAL}
                Action: sts:AssumeRoleWithWebIdentity
                Condition:
                  StringEquals:
                    {HOST}:sub: {SUB}
              - Effect: Allow
                Principal:
                  Federated: {ACCOUNT_PRINCIPAL}
                Action: sts:AssumeRoleWithWebIdentity
                Condition:
                  StringEquals:
                    {HOST}:sub: project_path:mygroup/myproject:ref_type:branch:ref:develop
"""
t = template(if_statements, parameters=env_param, conditions=is_prod)
case("Fn::If around a statement, decided by the parameter's default", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at="project_path:mygroup/myproject:ref_type:branch:ref:develop")
case("Fn::If decided by --parameter", t, {"decision": "allow"}, parameters={"Env": "prod"})
case("Fn::If decided by --condition", t, {"decision": "allow"}, conditions={"IsProd": True})
t = template(if_statements, parameters="  Env:\n    Type: String\n", conditions=is_prod)
case("Fn::If on a condition nothing decides, the branches differ: unknown", t,
     {"decision": "unknown", "cause": "input.unresolved", "message": "IsProd"})
t2 = t.replace("ref:develop", "ref:main")
case("Fn::If on a condition nothing decides, both branches admit: allow", t2, {"decision": "allow"})
in_region = "  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]\n"
t = template(if_statements.replace("IsProd", "InUsEast1"), conditions=in_region)
case("a condition on AWS::Region without --region: unknown", t, {"decision": "unknown", "cause": "input.unresolved"})
case("a condition on AWS::Region with --region", t, {"decision": "allow"}, region="us-east-1")
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([(f"{HOST}:sub", SUB)]) + f"""                StringLike: !If
                  - IsProd
                  - {HOST}:sub: project_path:mygroup/myproject:ref_type:tag:ref:v*
                  - !Ref AWS::NoValue
"""), parameters=env_param, conditions=is_prod)
case("AWS::NoValue removes an operator block when the condition is false", t, {"decision": "allow"})
case("the same block kept when the condition is true", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     conditions={"IsProd": True}, at="project_path:mygroup/myproject:ref_type:tag:ref:v*")
t = template(role_yaml(ACCOUNT_PRINCIPAL, PLAIN, extra_statements=f"""            - !If
              - IsProd
              - Effect: Deny
                Principal:
                  Federated: {ACCOUNT_PRINCIPAL}
                Action: sts:AssumeRoleWithWebIdentity
              - !Ref AWS::NoValue
"""), parameters=env_param, conditions=is_prod)
case("AWS::NoValue in the statement list: the Deny is not deployed", t, {"decision": "allow"})
case("the Deny deployed in prod", t, {"decision": "deny", "cause": "statement.explicit-deny"}, parameters={"Env": "prod"})

# --- Functions that build values -------------------------------------------------------------
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Sub ["project_path:${Group}/${Project}:ref_type:branch:ref:main", {Group: !Ref GroupName, Project: myproject}]'),
])), parameters="  GroupName:\n    Type: String\n    Default: mygroup\n")
case("Fn::Sub with a map of its own", t, {"decision": "allow"})
case("Fn::Sub with a map, the group given otherwise", t, {"decision": "deny", "cause": "condition.project-mismatch"},
     parameters={"GroupName": "othergroup"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Join [":", [project_path, !Sub "${GroupName}/myproject", ref_type, branch, ref, main]]'),
])), parameters="  GroupName:\n    Type: String\n    Default: mygroup\n")
case("Fn::Join of literals and a Sub", t, {"decision": "allow"})
mappings = f"  Audiences:\n    us-east-1:\n      Aud: https://{HOST}\n    eu-west-1:\n      Aud: sts.amazonaws.com\n"
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", "!FindInMap [Audiences, !Ref AWS::Region, Aud]"),
    (f"{HOST}:sub", SUB),
])), mappings=mappings)
case("Fn::FindInMap keyed by the region, --region given", t, {"decision": "allow"}, region="us-east-1")
case("Fn::FindInMap keyed by the region, the other region's value", t, {"decision": "deny", "cause": "condition.audience-mismatch"},
     region="eu-west-1")
case("Fn::FindInMap keyed by the region, no --region: unknown", t, {"decision": "unknown", "cause": "input.unresolved"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", "!FindInMap [Audiences, !Ref AWS::Region, Aud]"),
    (f"{HOST}:sub", "project_path:mygroup/other:ref_type:branch:ref:main"),
])), mappings=mappings)
case("the region is unknown, but the project differs anyway: deny stands", t, {"decision": "deny", "cause": "condition.project-mismatch"},
     at="project_path:mygroup/other:ref_type:branch:ref:main")
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", '!Sub "project_path:mygroup/other:ref_type:branch:ref:${AWS::StackName}"'),
])))
case("the stack name is unknown, but the project differs anyway: deny stands", t, {"decision": "deny", "cause": "condition.project-mismatch"})
t = template(f"""    Subjects:
      Type: Custom::Subjects
      Properties:
        ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:subjects
""" + role_yaml("!Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/gitlab.other.com", string_equals([
    ("gitlab.other.com:sub", '!Split [",", !GetAtt Subjects.Values]'),
])))
case("a custom resource's output, but the provider is another host: deny stands", t, {"decision": "deny", "cause": "principal.mismatch"})
t = template(f"""    Provider:
      Type: Custom::GitLabProvider
      Properties:
        ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:provider
""" + role_yaml("!GetAtt Provider.Arn", PLAIN))
case("a principal from a custom resource's attribute decides: unknown", t, {"decision": "unknown", "cause": "input.unresolved",
                                                                            "message": "GetAtt Provider.Arn"})
t = template(f"""    Provider:
      Type: Custom::GitLabProvider
      Properties:
        ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:provider
""" + role_yaml("!GetAtt Provider.Arn", PLAIN.replace("ref:main", "ref:release")))
case("a principal from a custom resource's attribute, the branch differs: deny stands", t, {"decision": "deny", "cause": "condition.ref-mismatch"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([(f"{HOST}:sub", '!Sub "${Missing}"')])))
case("Fn::Sub of a name the template does not have: invalid, as CloudFormation says", t,
     {"decision": "unknown", "cause": "policy.invalid", "message": "Missing"})

# --- Long forms, quoting, positions, roles ---------------------------------------------------
t = template(f"""    DeployRole:
      Type: "AWS::IAM::Role"
      Properties:
        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: "Allow"
              Principal:
                Federated:
                  Fn::Sub: "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{HOST}"
              Action: "sts:AssumeRoleWithWebIdentity"
              Condition:
                StringEquals:
                  "{HOST}:sub":
                    Fn::Join:
                      - ":"
                      - ["project_path", {{"Ref": "GitLabProject"}}, "ref_type", "branch", "ref", "main"]
""", parameters=PROJECT_PARAM)
case("long-form functions in YAML", t, {"decision": "allow"})
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f'"{HOST}:aud"', f'"https://{HOST}"'),
    (f'"{HOST}:sub"', '"project_path:mygroup/myproject:ref_type:branch:ref:release"'),
])))
case("double-quoted YAML: the position is the scalar's", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at='"project_path:mygroup/myproject:ref_type:branch:ref:release"')
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", "'project_path:mygroup/myproject:ref_type:branch:ref:release'"),
])))
case("single-quoted YAML", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at="'project_path:mygroup/myproject:ref_type:branch:ref:release'")
t = template(role_yaml(ACCOUNT_PRINCIPAL, "                StringEquals:\n"
                       f"                  {HOST}:sub:\n"
                       "                    - project_path:mygroup/myproject:ref_type:branch:ref:release\n"
                       "                    - project_path:mygroup/myproject:ref_type:tag:ref:v1\n"))
case("a block sequence of values", t, {"decision": "deny", "cause": "condition.ref-mismatch"}, at=f"{HOST}:sub:")
t = template(role_yaml(ACCOUNT_PRINCIPAL, string_equals([
    (f"{HOST}:aud", f"https://{HOST}"),
    (f"{HOST}:sub", "project_path:mygroup/myproject:ref_type:branch:ref:*"),
])))
case("StringEquals with a wildcard in YAML", t, {"decision": "deny", "cause": "condition.wildcard-needs-like"},
     at="project_path:mygroup/myproject:ref_type:branch:ref:*")
two = template(role_yaml(ACCOUNT_PRINCIPAL, PLAIN, logical="OtherRole", role_name="gitlab-other").replace(
    "ref:main", "ref:release") + role_yaml(ACCOUNT_PRINCIPAL, PLAIN))
case("--role by RoleName among two roles", two, {"decision": "allow"}, role="gitlab-deploy")
case("--role by logical id", two, {"decision": "deny", "cause": "condition.ref-mismatch"}, role="OtherRole")
case("--role by ARN", two, {"decision": "allow"}, role=ROLE_ARN, roleArn=ROLE_ARN)
case("--role that is not in the template", two, {"decision": "unknown", "cause": "input.invalid", "message": "nope"}, role="nope")
t = template(role_yaml(ACCOUNT_PRINCIPAL, PLAIN, role_name=None).replace("ref:main", "ref:release"))
case("a role without RoleName, in YAML", t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at="project_path:mygroup/myproject:ref_type:branch:ref:release")
json_t = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"DeployRole": {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": "gitlab-deploy",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": {"Fn::Sub": f"arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{HOST}"}},
        "Condition": {"StringEquals": {f"{HOST}:aud": f"https://{HOST}",
                                       f"{HOST}:sub": "project_path:mygroup/myproject:ref_type:branch:ref:release"}}}]}}}}}, indent=2)
case("JSON template: position in the template's JSON", json_t, {"decision": "deny", "cause": "condition.ref-mismatch"},
     at='"project_path:mygroup/myproject:ref_type:branch:ref:release"')

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "OIDCDoctorCoreTests", "Scenarios", "cloudformation.json")
with open(path, "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases → {path}")
