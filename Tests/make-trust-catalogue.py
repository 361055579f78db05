#!/usr/bin/env python3
"""Writes Tests/OIDCDoctorCoreTests/Catalogue/trust-catalogue.json: trust patterns (holes, breadth,
wildcard principals, never-assumable, correct and deliberately scoped), each with the witness classes
it must admit — worked out by hand from GitLab's claims and IAM's rules, not by running the tool.

Witness classes (Sources/OIDCDoctorCore/Matrix/WitnessJob.swift): I intended, B other branch
(feature/witness, unprotected), T tag v1.2.0, U the intended ref unprotected (only when the policy
speaks of ref_protected), M merge request pipeline (feature/mr-witness, unprotected), F fork merge
request (fork-owner/<name>), S sibling project (<group>/other-project), E prefix-extended project
(<path>-evil), G subgroup project (<group>/subgroup/<name>), O other group, X the same path on another
instance, W a job beyond a wildcard. The intended job of a policy without a `sub` value is branch main
of mygroup/myproject (protected, push); with one, the value with its wildcards filled."""
import json, os

KINDS = {"I": "intended", "B": "other-branch", "T": "tag", "U": "unprotected-ref", "M": "merge-request",
         "F": "fork-merge-request", "S": "sibling-project", "E": "prefix-extended-project", "G": "subgroup-project",
         "O": "other-group", "X": "other-instance", "W": "beyond-wildcard"}
HOST = "gitlab.example.com"
P = f"arn:aws:iam::111122223333:oidc-provider/{HOST}"
PCOM = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
MAIN = "project_path:mygroup/myproject:ref_type:branch:ref:main"
EVERY = "IBTMFSEGO"  # every job of the trusted instance

cases = []


def st(cond=None, principal=None, action="sts:AssumeRoleWithWebIdentity", effect="Allow", not_action=False):
    s = {"Effect": effect, "Principal": principal if principal is not None else {"Federated": P}}
    s["NotAction" if not_action else "Action"] = action
    if cond:
        s["Condition"] = cond
    return s


def case(name, statements, admits, warnings=(), not_warnings=(), arn_account="111122223333"):
    cases.append({"name": name, "statements": statements, "arn": f"arn:aws:iam::{arn_account}:role/r{len(cases)}",
                  "admits": sorted(KINDS[k] for k in admits), "warnings": list(warnings), "notWarnings": list(not_warnings)})


def sub(op, value, host=HOST):
    return {op: {f"{host}:sub": value}}


NEVER = ["trust.never-assumable"]
NOSUB = ["trust.no-sub-condition"]
BROAD = ["trust.broad-sub-pattern"]

# Correct and deliberately scoped.
case("pinned to branch main", [st(sub("StringEquals", MAIN))], "I", not_warnings=NOSUB + NEVER)
case("pinned, with the audience", [st({"StringEquals": {f"{HOST}:sub": MAIN, f"{HOST}:aud": "sts.amazonaws.com"}})], "I")
case("pinned under StringLike without a wildcard", [st(sub("StringLike", MAIN))], "I")
case("pinned to tag v1.2.0", [st(sub("StringEquals", "project_path:mygroup/myproject:ref_type:tag:ref:v1.2.0"))], "I")
case("two pinned values: main and tag v1.2.0", [st(sub("StringEquals", [MAIN, "project_path:mygroup/myproject:ref_type:tag:ref:v1.2.0"]))], "IT")
case("two statements: main and tag v1.2.0", [st(sub("StringEquals", MAIN)), st(sub("StringEquals", "project_path:mygroup/myproject:ref_type:tag:ref:v1.2.0"))], "IT")
case("StringEqualsIgnoreCase on a mixed-case path", [st(sub("StringEqualsIgnoreCase", "project_path:MyGroup/MyProject:ref_type:branch:ref:main"))], "I")
case("project id form of sub", [st(sub("StringEquals", "project_id:20:ref_type:branch:ref:main"))], "I")
case("Action sts:*", [st(sub("StringEquals", MAIN), action="sts:*")], "I")
case("NotAction sts:AssumeRole", [st(sub("StringEquals", MAIN), action="sts:AssumeRole", not_action=True)], "I")
case("audience StringLike * beside a pinned sub", [st({"StringLike": {f"{HOST}:aud": "*"}, "StringEquals": {f"{HOST}:sub": MAIN}})], "I")
case("ForAllValues on the always-present sub restricts", [st(sub("ForAllValues:StringEquals", MAIN))], "I",
     warnings=["trust.forallvalues-single-valued"], not_warnings=NOSUB)
case("IfExists on the always-present sub restricts", [st(sub("StringEqualsIfExists", MAIN))], "I", not_warnings=NOSUB)
case("a time window beside a pinned sub", [st({"StringEquals": {f"{HOST}:sub": MAIN}, "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})], "I")

# Breadth: wildcards.
case("every branch of the project", [st(sub("StringLike", "project_path:mygroup/myproject:ref_type:branch:ref:*"))], "IBMW", warnings=BROAD)
case("every tag of the project", [st(sub("StringLike", "project_path:mygroup/myproject:ref_type:tag:ref:*"))], "ITW", warnings=BROAD)
case("every ref of the project (project_path:g/p:*)", [st(sub("StringLike", "project_path:mygroup/myproject:*"))], "IBTMW", warnings=BROAD)
case("any ref type for branch main", [st(sub("StringLike", "project_path:mygroup/myproject:ref_type:*:ref:main"))], "IW", warnings=BROAD)
case("release branches", [st(sub("StringLike", "project_path:mygroup/myproject:ref_type:branch:ref:release/*"))], "IW")
case("one-character wildcard in the ref", [st(sub("StringLike", "project_path:mygroup/myproject:ref_type:branch:ref:ma?n"))], "IW")
case("every project of the group (g/*)", [st(sub("StringLike", "project_path:mygroup/*"))], "IBTMSEGW", warnings=BROAD)
case("branch main of every project of the group", [st(sub("StringLike", "project_path:mygroup/*:ref_type:branch:ref:main"))], "ISEGW", warnings=BROAD)
case("prefix confusion: myproject*", [st(sub("StringLike", "project_path:mygroup/myproject*:ref_type:branch:ref:main"))], "IEW", warnings=BROAD)
case("one pinned value and one broad one", [st(sub("StringLike", [MAIN, "project_path:mygroup/other:*"]))], "IW", warnings=BROAD)
case("ForAnyValue:StringLike works as StringLike", [st(sub("ForAnyValue:StringLike", "project_path:mygroup/myproject:*"))], "IBTMW",
     warnings=["trust.forallvalues-single-valued"])
case("project id form with every ref", [st(sub("StringLike", "project_id:20:*"))], "IBTMW")

# Holes: nothing restricts the project.
case("no condition at all", [st()], EVERY, warnings=NOSUB)
case("audience only", [st({"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"}})], EVERY, warnings=NOSUB)
case("StringLike sub * admits every job", [st(sub("StringLike", "*"))], EVERY, warnings=NOSUB)
case("only a negated sub condition", [st(sub("StringNotEquals", "project_path:evil/x:ref_type:branch:ref:main"))], EVERY, warnings=NOSUB)
case("Null sub false only asks that sub exist", [st({"Null": {f"{HOST}:sub": "false"}})], EVERY, warnings=NOSUB)
case("StringNotLike tags: everything but tags", [st(sub("StringNotLike", "project_path:mygroup/myproject:ref_type:tag:*"))], "IBMFSEGO", warnings=NOSUB)
case("a negated condition on a key that never exists", [st({"StringNotEquals": {f"{HOST}:project_path": "evil/x"}})], EVERY,
     warnings=NOSUB + ["trust.always-true-condition"])
case("a second statement for gitlab.com without conditions",
     [st(sub("StringEquals", MAIN)), st(principal={"Federated": PCOM})], "IX", warnings=NOSUB)

# Wildcard principals.
case('"Principal": "*" with a pinned sub', [st(sub("StringEquals", MAIN), principal="*")], "I", warnings=["principal.wildcard"])
case('{"AWS": "*"} with a pinned sub', [st(sub("StringEquals", MAIN), principal={"AWS": "*"})], "I", warnings=["principal.wildcard"])
case('{"Federated": "*"} matches no provider', [st(sub("StringEquals", MAIN), principal={"Federated": "*"})], "", warnings=NEVER)

# Never assumable.
case("StringEquals with a wildcard (taken literally)", [st(sub("StringEquals", "project_path:mygroup/myproject:ref_type:branch:ref:*"))], "",
     warnings=NEVER + ["condition.wildcard-needs-like"])
case("condition key of another host", [st(sub("StringEquals", MAIN, host="gitlab.com"))], "", warnings=NEVER, not_warnings=NOSUB)
case("condition key with https://", [st(sub("StringEquals", MAIN, host="https://" + HOST))], "", warnings=NEVER, not_warnings=NOSUB)
case("trailing slash in the provider ARN", [st(sub("StringEquals", MAIN), principal={"Federated": P + "/"})], "", warnings=NEVER, not_warnings=NOSUB)
case("StringEquals on project_path (never a key)", [st({"StringEquals": {f"{HOST}:project_path": "mygroup/myproject"}})], "", warnings=NEVER, not_warnings=NOSUB)
case("Null sub true: sub is always present", [st({"Null": {f"{HOST}:sub": "true"}})], "", warnings=NEVER, not_warnings=NOSUB)
case("partial wildcard in the principal ARN", [st(sub("StringEquals", MAIN), principal={"Federated": "arn:aws:iam::*:oidc-provider/" + HOST})], "", warnings=NEVER)
case("a region in the principal ARN", [st(sub("StringEquals", MAIN), principal={"Federated": "arn:aws:iam:us-east-1:111122223333:oidc-provider/" + HOST})], "", warnings=NEVER)
case("an 8-digit account in the principal ARN", [st(sub("StringEquals", MAIN), principal={"Federated": "arn:aws:iam::11112222:oidc-provider/" + HOST})], "", warnings=NEVER)
case("the provider ARN written with https://", [st(sub("StringEquals", MAIN), principal={"Federated": "arn:aws:iam::111122223333:oidc-provider/https://" + HOST})],
     "", warnings=NEVER)
case("sts:AssumeRole with a Federated principal", [st(sub("StringEquals", MAIN), action="sts:AssumeRole")], "", warnings=NEVER)
case("misspelt action", [st(sub("StringEquals", MAIN), action="sts:AssumeRoleWithWebIdentiy")], "", warnings=NEVER)
case("a Deny that always applies", [st(sub("StringEquals", MAIN)), st(effect="Deny")], "", warnings=NEVER)
case("ref_type:mr, which GitLab never issues", [st(sub("StringEquals", "project_path:mygroup/myproject:ref_type:mr:ref:main"))], "", warnings=NEVER)
case("a provider in another account than the role", [st(sub("StringEquals", MAIN), principal={"Federated": "arn:aws:iam::444455556666:oidc-provider/" + HOST})],
     "", warnings=NEVER)
case("a gitlab.com-only key on a self-managed instance", [st({"StringEquals": {f"{HOST}:sub": MAIN, f"{HOST}:project_id": "20"}})], "", warnings=NEVER)

# Deny statements shape who gets in.
case("every ref but tags (Deny on tags)", [st(sub("StringLike", "project_path:mygroup/myproject:*")),
                                           st(sub("StringLike", "project_path:mygroup/myproject:ref_type:tag:*"), effect="Deny")], "IBM", warnings=BROAD)
case("Deny everything but main", [st(sub("StringLike", "project_path:mygroup/myproject:*")), st(sub("StringNotEquals", MAIN), effect="Deny")], "I")

# gitlab.com keys.
COM = {"Federated": PCOM}
CMAIN = "project_path:mygroup/myproject:ref_type:branch:ref:main"
case("gitlab.com pinned", [st(sub("StringEquals", CMAIN, host="gitlab.com"), principal=COM)], "I")
case("gitlab.com project_id alone restricts the project", [st({"StringEquals": {"gitlab.com:project_id": "20"}}, principal=COM)], "IBTM", not_warnings=NOSUB)
case("gitlab.com namespace_id alone restricts the group", [st({"StringEquals": {"gitlab.com:namespace_id": "72"}}, principal=COM)], "IBTMSE", not_warnings=NOSUB)
case("gitlab.com pinned and protected", [st({"StringEquals": {"gitlab.com:sub": CMAIN, "gitlab.com:ref_protected": "true"}}, principal=COM)], "I")
case("gitlab.com every ref, protected only", [st({"StringLike": {"gitlab.com:sub": "project_path:mygroup/myproject:*"}, "StringEquals": {"gitlab.com:ref_protected": "true"}},
                                                 principal=COM)], "ITW", warnings=BROAD)
case("gitlab.com every ref, no merge request pipelines", [st({"StringLike": {"gitlab.com:sub": "project_path:mygroup/myproject:*"},
                                                             "StringNotEquals": {"gitlab.com:pipeline_source": "merge_request_event"}}, principal=COM)], "IBTW", warnings=BROAD)
case("gitlab.com every ref, Deny unprotected refs", [st(sub("StringLike", "project_path:mygroup/myproject:*", host="gitlab.com"), principal=COM),
                                                     st({"StringEquals": {"gitlab.com:ref_protected": "false"}}, principal=COM, effect="Deny")], "ITW", warnings=BROAD)
case("gitlab.com:environment is never a key", [st({"StringEquals": {"gitlab.com:sub": CMAIN, "gitlab.com:environment": "production"}}, principal=COM)], "", warnings=NEVER)

out = os.path.join(os.path.dirname(__file__), "OIDCDoctorCoreTests", "Catalogue", "trust-catalogue.json")
with open(out, "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(f"{len(cases)} trust patterns -> {out}")
