#!/usr/bin/env python3
"""Turn `terraform show -json PLAN` (stdin) into oracle.json (stdout).

roles:     every aws_iam_role instance in planned_values (root and child modules)
documents: every data.aws_iam_policy_document instance (read during the plan: prior_state;
           deferred to apply: resource_changes, then json is null and "unknown" true)
providers: every aws_iam_openid_connect_provider resource instance
Shadow resources terraform_data.zz_oracle__<role> (added by prepare.py) give
config_assume_role_policy_text for the role instance at the same module path and key.
"""
import json, re, sys


def walk(module):
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from walk(child)


def parse_json(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def main():
    plan = json.load(sys.stdin)
    planned = list(walk(plan.get("planned_values", {}).get("root_module", {})))
    prior = list(walk(plan.get("prior_state", {}).get("values", {}).get("root_module", {})))
    changes = {c["address"]: c for c in plan.get("resource_changes", [])}

    shadows = {}
    for r in planned:
        if r["type"] == "terraform_data" and r["name"].startswith("zz_oracle__"):
            addr = r["address"].replace("terraform_data.zz_oracle__", "aws_iam_role.", 1)
            shadows[addr] = r["values"].get("input")

    roles, providers = [], []
    for r in planned:
        v = r.get("values", {})
        unknown = changes.get(r["address"], {}).get("change", {}).get("after_unknown", {}) or {}
        if r["type"] == "aws_iam_role" and r["mode"] == "managed":
            text = v.get("assume_role_policy")
            role = {
                "address": r["address"],
                "name": v.get("name"),
                "name_prefix": v.get("name_prefix"),
                "max_session_duration": v.get("max_session_duration"),
                "assume_role_policy": parse_json(text),
                "assume_role_policy_text": text,
            }
            if r["address"] in shadows:
                ctext = shadows[r["address"]]
                role["config_assume_role_policy"] = parse_json(ctext)
                role["config_assume_role_policy_text"] = ctext
            if text is None and unknown.get("assume_role_policy"):
                role["assume_role_policy_unknown"] = True
            roles.append(role)
        elif r["type"] == "aws_iam_openid_connect_provider" and r["mode"] == "managed":
            providers.append({
                "address": r["address"],
                "url": v.get("url"),
                "client_id_list": v.get("client_id_list"),
                "thumbprint_list": v.get("thumbprint_list"),
            })

    documents, seen = [], set()
    for r in prior:
        if r["type"] == "aws_iam_policy_document" and r["mode"] == "data":
            seen.add(r["address"])
            documents.append({"address": r["address"], "json": parse_json(r["values"].get("json")),
                              "json_text": r["values"].get("json")})
    for addr, c in changes.items():
        if c["type"] == "aws_iam_policy_document" and c["mode"] == "data" and addr not in seen:
            after = c["change"].get("after") or {}
            documents.append({"address": addr, "json": parse_json(after.get("json")),
                              "json_text": after.get("json"), "unknown": True})

    data_sources = []
    for r in prior:
        if r["mode"] == "data" and r["type"] in ("aws_caller_identity", "aws_partition", "aws_region",
                                                  "aws_iam_openid_connect_provider"):
            keep = {k: r["values"].get(k) for k in ("account_id", "arn", "partition", "name", "region",
                                                    "url", "client_id_list") if k in r["values"]}
            data_sources.append({"address": r["address"], **keep})

    out = {"terraform_version": plan.get("terraform_version"), "roles": roles, "documents": documents,
           "providers": providers, "data_sources": data_sources}
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
