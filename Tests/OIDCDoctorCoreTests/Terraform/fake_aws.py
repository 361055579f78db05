#!/usr/bin/env python3
"""Tiny fake AWS query-protocol endpoint for offline `terraform plan`.

Binds 127.0.0.1 on a free port, writes the port to the file named by argv[1],
and exits by itself after argv[2] seconds (default 900) or when killed.

Answers (for any path, POST form body with Action=...):
  STS GetCallerIdentity     -> Account 111122223333, Arn arn:aws:iam::111122223333:user/oracle, UserId AIDAFAKE
  IAM ListOpenIDConnectProviders -> the providers in PROVIDERS below
  IAM GetOpenIDConnectProvider   -> Url/ClientIDList/ThumbprintList of that provider
  IAM ListOpenIDConnectProviderTags -> no tags
Anything else -> 400 with an AWS-style error, so an unexpected call fails loudly.
"""
import sys, threading, urllib.parse
from http.server import HTTPServer, BaseHTTPRequestHandler

ACCOUNT = "111122223333"
# The IAM OIDC providers that "exist" in the fake account (for data "aws_iam_openid_connect_provider").
PROVIDERS = {
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com": {
        "Url": "gitlab.com", "ClientIDList": ["https://gitlab.com"],
        "ThumbprintList": ["b3dd7606d2b5a8b4a13771dbecc9ee1cecafa38a"]},
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.example.com": {
        "Url": "gitlab.example.com", "ClientIDList": ["https://gitlab.example.com", "sts.amazonaws.com"],
        "ThumbprintList": ["0000000000000000000000000000000000000000"]},
}
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
META = "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>"


def members(tag, items):
    return f"<{tag}>" + "".join(f"<member>{i}</member>" for i in items) + f"</{tag}>"


def answer(action, params):
    if action == "GetCallerIdentity":
        return 200, (f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
                     f"<Arn>arn:aws:iam::{ACCOUNT}:user/oracle</Arn><UserId>AIDAFAKE</UserId>"
                     f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>{META}</GetCallerIdentityResponse>")
    if action == "ListOpenIDConnectProviders":
        lst = "".join(f"<member><Arn>{a}</Arn></member>" for a in PROVIDERS)
        return 200, (f'<ListOpenIDConnectProvidersResponse xmlns="{IAM_NS}"><ListOpenIDConnectProvidersResult>'
                     f"<OpenIDConnectProviderList>{lst}</OpenIDConnectProviderList>"
                     f"</ListOpenIDConnectProvidersResult>{META}</ListOpenIDConnectProvidersResponse>")
    if action == "GetOpenIDConnectProvider":
        p = PROVIDERS.get(params.get("OpenIDConnectProviderArn", ""))
        if p is None:
            return 404, error("NoSuchEntity", "OpenIDConnect Provider not found")
        return 200, (f'<GetOpenIDConnectProviderResponse xmlns="{IAM_NS}"><GetOpenIDConnectProviderResult>'
                     f"<Url>{p['Url']}</Url>" + members("ClientIDList", p["ClientIDList"]) +
                     members("ThumbprintList", p["ThumbprintList"]) + "<Tags/>"
                     f"<CreateDate>2024-01-01T00:00:00Z</CreateDate>"
                     f"</GetOpenIDConnectProviderResult>{META}</GetOpenIDConnectProviderResponse>")
    if action == "ListOpenIDConnectProviderTags":
        return 200, (f'<ListOpenIDConnectProviderTagsResponse xmlns="{IAM_NS}"><ListOpenIDConnectProviderTagsResult>'
                     f"<Tags/><IsTruncated>false</IsTruncated></ListOpenIDConnectProviderTagsResult>{META}"
                     f"</ListOpenIDConnectProviderTagsResponse>")
    return 400, error("InvalidAction", f"fake_aws.py does not implement {action!r}")


def error(code, msg):
    return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{msg}</Message></Error>"
            f"<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>")


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        params = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        status, xml = answer(params.get("Action", ""), params)
        data = xml.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # quiet; uncomment to debug
        sys.stderr.write("fake_aws: " + (fmt % args) + "\n")


def main():
    port_file = sys.argv[1]
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 900.0
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    t = threading.Timer(lifetime, srv.shutdown)
    t.daemon = True
    t.start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
