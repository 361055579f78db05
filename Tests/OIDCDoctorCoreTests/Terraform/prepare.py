#!/usr/bin/env python3
"""Rewrite a temporary copy of a fixture so that `terraform plan` can render it offline.

usage: prepare.py TMPDIR ENDPOINT_URL

TMPDIR is a throw-away copy of one fixture (never the fixture itself). Every directory
under it that holds *.tf files is treated as a module, and gets these changes:

 1. For each `resource "aws_iam_openid_connect_provider" "N"` with `url = U`, every
    reference aws_iam_openid_connect_provider.N (with whatever follows: .arn, [0].url,
    ["k"].arn, [*].arn, values(...), for expressions) in the *.tf of that same directory
    becomes local.zz_oracle_oidc_N, defined in zz_oracle_oidc.tf as
      { arn = id = format("arn:aws:iam::111122223333:oidc-provider/%s", trimprefix((U), "https://"))
        url = trimprefix((U), "https://"), client_id_list/thumbprint_list = toset(<same>) }
    (a list of those over range(count) with count.index -> the index, or a map over the
    for_each value with each.key/each.value -> the key/value, when the provider has them).
    This is what the attributes are after a real apply (IAM stores the url without its
    scheme) and what a plan cannot know. The provider resources themselves and
    depends_on lists are left alone; data.aws_iam_openid_connect_provider.* is not touched.
 2. For each `resource "aws_iam_role" "N"` a shadow resource is added in
    zz_oracle_shadow.tf of the same directory:
      resource "terraform_data" "zz_oracle__N" { <same count/for_each> input = <same assume_role_policy expr> }
    so the plan also shows the string exactly as the HCL evaluates it, before the
    aws provider normalises it.
 3. In the root directory, the offline provider settings (fake keys, skip_* flags,
    endpoints sts/iam -> ENDPOINT_URL) are added: as zz_oracle_override.tf merging into
    each `provider "aws"` block the fixture has (keeping the fixture's region if it sets
    one), or as zz_oracle_provider.tf when it has none. A `backend` in the fixture's
    `terraform {}` block is overridden by `backend "local" {}`.
Prints one line per change made to stderr.
"""
import os, re, sys

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")


def skip_comment(t, i):
    """If a comment starts at i, return the index after it (a line comment stops before its newline)."""
    if t.startswith("#", i) or t.startswith("//", i):
        j = t.find("\n", i)
        return len(t) if j < 0 else j
    if t.startswith("/*", i):
        j = t.find("*/", i + 2)
        return len(t) if j < 0 else j + 2
    return None


def skip_ws(t, i, newlines=True):
    while i < len(t):
        c = t[i]
        if c in " \t\r" or (newlines and c == "\n"):
            i += 1
            continue
        j = skip_comment(t, i)
        if j is not None:
            i = j
            continue
        break
    return i


def scan_string(t, i):
    """t[i] == '"'; return the index after the closing quote."""
    i += 1
    while i < len(t):
        c = t[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if t.startswith("$${", i) or t.startswith("%%{", i):
            i += 3
            continue
        if t.startswith("${", i) or t.startswith("%{", i):
            i = scan_expr(t, i + 2, inside=True)
            i += 1  # the closing }
            continue
        i += 1
    raise ValueError("unterminated string")


def scan_heredoc(t, i):
    m = HEREDOC.match(t, i)
    marker = m.group(2)
    j = m.end()
    while j < len(t):
        e = t.find("\n", j)
        line = t[j:] if e < 0 else t[j:e]
        if line.strip() == marker:
            return j + len(line)
        if e < 0:
            break
        j = e + 1
    raise ValueError("unterminated heredoc " + marker)


def scan_expr(t, i, inside=False):
    """Return the end of the expression starting at i. At bracket depth 0 it ends at a
    newline (unless `inside` brackets already), or before an unmatched closing bracket."""
    depth = 0
    while i < len(t):
        c = t[i]
        j = skip_comment(t, i)
        if j is not None:
            i = j
            continue
        if c == '"':
            i = scan_string(t, i)
            continue
        if c == "<" and HEREDOC.match(t, i):
            i = scan_heredoc(t, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "\n" and depth == 0 and not inside:
            return i
        i += 1
    return i


def parse_body(t, i, depth, out, path):
    """Parse block body items starting at i until an unmatched '}' (returned) or EOF.
    Records (path, kind, name/labels, start, end) for blocks and attributes."""
    while True:
        i = skip_ws(t, i)
        if i >= len(t) or t[i] == "}":
            return i
        m = IDENT.match(t, i)
        if not m:
            raise ValueError(f"unexpected {t[i:i+20]!r} at {i}")
        name = m.group(0)
        j = skip_ws(t, m.end(), newlines=False)
        if t.startswith("=", j) and not t.startswith("==", j):
            s = skip_ws(t, j + 1, newlines=False)
            e = scan_expr(t, s)
            out.append((tuple(path), "attr", name, s, e))
            i = e
            continue
        labels = []
        while True:
            j = skip_ws(t, j, newlines=False)
            if t.startswith('"', j):
                e = scan_string(t, j)
                labels.append(t[j + 1:e - 1])
                j = e
            elif t.startswith("{", j):
                break
            else:
                m2 = IDENT.match(t, j)
                if not m2:
                    raise ValueError(f"bad block header near {t[i:j+20]!r}")
                labels.append(m2.group(0))
                j = m2.end()
        key = (name, *labels)
        start = j
        end = parse_body(t, j + 1, depth + 1, out, path + [key])
        out.append((tuple(path), "block", key, start, end))
        i = end + 1


def parse(t):
    out = []
    parse_body(t, 0, 0, out, [])
    return out


def tf_files(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".tf") and os.path.isfile(os.path.join(d, f)))


def attrs_of(items, t, block_key):
    return {name: t[s:e].strip() for (p, kind, name, s, e) in items if kind == "attr" and p == (block_key,)}


def blocks(d):
    """[(file, text, items)] for the module directory d."""
    res = []
    for f in tf_files(d):
        t = open(os.path.join(d, f)).read()
        res.append((f, t, parse(t)))
    return res


def log(msg):
    sys.stderr.write("prepare: " + msg + "\n")


def meta_subst(expr, repl):
    """Replace count.index / each.key / each.value in expr (outside strings too; they are plain references)."""
    for rx, r in repl:
        expr = re.sub(rx, r, expr)
    return expr


def oidc_local(items, t, key):
    """The HCL expression of a local standing in for aws_iam_openid_connect_provider.<name>, or None."""
    a = attrs_of(items, t, key)
    url = a.get("url")
    if url is None:
        return None

    def obj(repl):
        host = f'trimprefix(({meta_subst(url, repl)}), "https://")'
        arn = f'format("arn:aws:iam::111122223333:oidc-provider/%s", {host})'
        fields = [("arn", arn), ("id", arn), ("url", host)]
        for attr in ("client_id_list", "thumbprint_list"):
            if attr in a:
                fields.append((attr, f"toset({meta_subst(a[attr], repl)})"))
        return "{\n" + "".join(f"    {k} = {v}\n" for k, v in fields) + "  }"

    if "count" in a:
        body = obj([(r"\bcount\.index\b", "zz_i")])
        return f"[for zz_i in range({a['count']}) : {body}]"
    if "for_each" in a:
        body = obj([(r"\beach\.key\b", "zz_k"), (r"\beach\.value\b", "zz_v")])
        return f"{{ for zz_k, zz_v in {a['for_each']} : zz_k => {body} }}"
    return obj([])


def rewrite_module(d):
    files = blocks(d)
    subs, local_defs = [], []
    for f, t, items in files:
        for (p, kind, key, s, e) in items:
            if kind == "block" and p == () and key[:2] == ("resource", "aws_iam_openid_connect_provider"):
                expr = oidc_local(items, t, key)
                if expr is None:
                    log(f"{d}: {key[2]}: no url; arn/url stay unknown")
                    continue
                local = "zz_oracle_oidc_" + key[2]
                local_defs.append(f"  {local} = {expr}\n")
                rx = re.compile(r"(?<![\w.-])aws_iam_openid_connect_provider\." + re.escape(key[2]) + r"(?![\w-])")
                subs.append((rx, "local." + local))
                log(f"{d}: aws_iam_openid_connect_provider.{key[2]} -> local.{local} = {expr}")
    if subs:
        for f, t, items in files:
            # keep the provider resources themselves (their own url) and depends_on lists as they are
            protected = sorted((s, e) for (p, kind, key, s, e) in items
                               if (kind == "block" and p == () and key[:2] == ("resource", "aws_iam_openid_connect_provider"))
                               or (kind == "attr" and key == "depends_on"))
            pieces, last = [], 0
            for s, e in protected + [(len(t), len(t))]:
                if s < last:  # nested inside an already protected span
                    continue
                seg = t[last:s]
                for rx, rep in subs:
                    seg = rx.sub(lambda m: rep, seg)
                pieces.append(seg)
                pieces.append(t[s:e])
                last = e
            new = "".join(pieces)
            if new != t:
                open(os.path.join(d, f), "w").write(new)
        with open(os.path.join(d, "zz_oracle_oidc.tf"), "w") as fh:
            fh.write("# written by prepare.py: aws_iam_openid_connect_provider attributes as they read after an apply\n"
                     "locals {\n" + "".join(local_defs) + "}\n")
        files = blocks(d)
    shadows = []
    for f, t, items in files:
        for (p, kind, key, s, e) in items:
            if kind == "block" and p == () and key[:2] == ("resource", "aws_iam_role"):
                a = attrs_of(items, t, key)
                if "assume_role_policy" not in a:
                    continue
                meta = "".join(f"  {m} = {a[m]}\n" for m in ("count", "for_each") if m in a)
                shadows.append(f'resource "terraform_data" "zz_oracle__{key[2]}" {{\n{meta}'
                               f"  input = {a['assume_role_policy']}\n}}\n")
                log(f"{d}: shadow terraform_data.zz_oracle__{key[2]}")
    if shadows:
        with open(os.path.join(d, "zz_oracle_shadow.tf"), "w") as fh:
            fh.write("# written by prepare.py: the assume_role_policy strings before the provider normalises them\n")
            fh.write("\n".join(shadows))


def provider_settings(endpoint, with_region):
    region = '  region                      = "us-east-1"\n' if with_region else ""
    return (region +
            '  access_key                  = "AKIAFAKE"\n'
            '  secret_key                  = "fake"\n'
            "  skip_credentials_validation = true\n"
            "  skip_requesting_account_id  = true\n"
            "  skip_metadata_api_check     = true\n"
            "  skip_region_validation      = true\n"
            "  endpoints {\n"
            f'    sts = "{endpoint}"\n'
            f'    iam = "{endpoint}"\n'
            "  }\n")


def root_provider(d, endpoint):
    files = blocks(d)
    aws_blocks, backend = [], False
    for f, t, items in files:
        for (p, kind, key, s, e) in items:
            if kind == "block" and p == () and key == ("provider", "aws"):
                aws_blocks.append(attrs_of(items, t, key))
            if kind == "block" and len(p) == 1 and p[0] == ("terraform",) and key[0] == "backend":
                backend = True
    if aws_blocks:
        out = []
        for a in aws_blocks:
            alias = f"  alias = {a['alias']}\n" if "alias" in a else ""
            out.append('provider "aws" {\n' + alias + provider_settings(endpoint, "region" not in a) + "}\n")
        if not any("alias" not in a for a in aws_blocks):
            with open(os.path.join(d, "zz_oracle_provider.tf"), "w") as fh:
                fh.write('provider "aws" {\n' + provider_settings(endpoint, True) + "}\n")
        if backend:
            out.append('terraform {\n  backend "local" {}\n}\n')
        with open(os.path.join(d, "zz_oracle_override.tf"), "w") as fh:
            fh.write("# written by prepare.py\n" + "\n".join(out))
        log(f"{d}: zz_oracle_override.tf for {len(aws_blocks)} provider block(s)" + (" and the backend" if backend else ""))
    else:
        with open(os.path.join(d, "zz_oracle_provider.tf"), "w") as fh:
            fh.write("# written by prepare.py\n" 'provider "aws" {\n' + provider_settings(endpoint, True) + "}\n")
        if backend:
            with open(os.path.join(d, "zz_oracle_override.tf"), "w") as fh:
                fh.write('terraform {\n  backend "local" {}\n}\n')
        log(f"{d}: zz_oracle_provider.tf")


def main():
    root, endpoint = sys.argv[1], sys.argv[2]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(x for x in dirnames if not x.startswith("."))
        if any(f.endswith(".tf") for f in filenames):
            rewrite_module(dirpath)
    root_provider(root, endpoint)


if __name__ == "__main__":
    main()
