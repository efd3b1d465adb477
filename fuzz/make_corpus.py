#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/<target>/ from the tests'
inputs: workflow and JSON files, the expressions, T-SQL batches and TDS
packets the unit tests use. Run from the repository root; the files it
writes are committed (small, one input each)."""
import hashlib, json, os, re, struct, warnings

warnings.simplefilter("ignore", DeprecationWarning)  # test strings hold escapes Python does not know

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "fuzz", "corpus")

def write(target, data, limit=40):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    if len(os.listdir(d)) >= limit or len(data) > 8192:
        return
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def read(path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()

def raw_strings(text):
    return re.findall(r'R"\((.*?)\)"', text, re.S)

def c_strings(text):
    """Adjacent C string literals joined, escapes undone (enough for tests)."""
    res = []
    for m in re.finditer(r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(1))
        s = "".join(parts)
        s = s.encode().decode("unicode_escape", errors="ignore")
        res.append(s)
    return res

# JSON: the bundled workflows and the SDK's JSON tests.
for name in sorted(os.listdir(os.path.join(root, "workflows"))):
    write("fuzz_json", read("workflows/" + name))
for s in c_strings(read("tests/sdk/json_test.cpp")) + raw_strings(read("tests/sdk/json_test.cpp")):
    if s.strip()[:1] in "{[\"0123456789-tfn":
        write("fuzz_json", s)

# Workflows (and configs after a %%config line) from the workflow tests.
for f in ("tests/workflow/validator_test.cpp", "tests/workflow/parser_test.cpp", "tests/workflow/config_test.cpp"):
    for s in raw_strings(read(f)):
        try:
            v = json.loads(s)
        except ValueError:
            continue
        if isinstance(v, dict) and "steps" in v:
            write("fuzz_workflow", s)
        elif isinstance(v, dict):
            write("fuzz_workflow", '{"version": 1, "name": "c", "steps": [{"id": "a", "uses": "test.record", '
                  '"with": {"message": "${{ config.sqlserver.name }}"}}]}\n%%config\n' + s)

# Expressions and templates from the expression tests.
for name in sorted(os.listdir(os.path.join(root, "tests/expr"))):
    if name.endswith(".cpp"):
        for s in c_strings(read("tests/expr/" + name)):
            if any(k in s for k in ("${{", "==", "(", ".", "'")) and len(s) < 300:
                write("fuzz_expr", s, limit=60)

# T-SQL batches from the engine tests, the message statements first.
for s in ("RAISERROR('copied %d of %5d pages of %-10s %x %%', 10, 1, 5, 12, N'sales', 255) WITH NOWAIT",
          "RAISERROR(50001, 16, 2) WITH LOG, SETERROR;\nTHROW 51000, N'no such record', 1;",
          "DECLARE @d varchar(12) = '00:00:01.5'; WAITFOR DELAY @d; WAITFOR DELAY '00:00:00:010'"):
    write("fuzz_tsql", s, limit=100)
for name in sorted(os.listdir(os.path.join(root, "tests/engine"))):
    if name.endswith(".cpp"):
        for s in c_strings(read("tests/engine/" + name)):
            if re.match(r"\s*(SELECT|DECLARE|IF|CREATE|ALTER|DROP|EXEC|BACKUP|USE|SET|BEGIN|PRINT|RAISERROR|THROW|WAITFOR)\b", s, re.I):
                write("fuzz_tsql", s, limit=80)

# TDS: packets as the TDS tests' raw client sends them (tests/tds/tds_fixture.cpp).
def packet(ptype, payload, status=1):
    return bytes([ptype, status]) + struct.pack(">H", len(payload) + 8) + b"\x00\x00\x01\x00" + payload
def ucs2(s):
    return s.encode("utf-16-le")
prelogin = bytes([0x00, 0x00, 0x1a, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x01, 0x02, 0x00, 0x21, 0x00,
                  0x0c, 0x03, 0x00, 0x2d, 0x00, 0x04, 0x04, 0x00, 0x31, 0x00, 0x01, 0xff,
                  0x09, 0, 0, 0, 0, 0, 2]) + b"MSSQLServer\x00" + bytes([0x39, 0x30, 0, 0, 0])
def login7(user, password, database):
    b = bytearray(94)
    struct.pack_into("<I", b, 4, 0x74000004)
    struct.pack_into("<I", b, 8, 4096)
    b[24], b[25] = 0xE0, 0x03
    data = bytearray()
    for at, s, pw in ((36, "testhost", False), (40, user, False), (44, password, True), (48, "rawtest", False),
                      (52, "127.0.0.1", False), (60, "raw", False), (64, "us_english", False), (68, database, False)):
        v = bytearray(ucs2(s))
        if pw:
            v = bytearray((((x << 4) | (x >> 4)) & 0xFF) ^ 0xA5 for x in v)
        struct.pack_into("<HH", b, at, 94 + len(data), len(s))
        data += v
    b += data
    struct.pack_into("<I", b, 0, len(b))
    return bytes(b)
all_headers = bytes([0x16, 0, 0, 0, 0x12, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0])
def ntext(s):
    u = ucs2(s)
    return bytes.fromhex("0000 63 ffffff7f 0904d00034") + struct.pack("<I", len(u)) + u
rpc = all_headers + bytes.fromhex("ffff 0a00 0000") + ntext("SELECT @P1") + ntext("@P1 INT") + bytes.fromhex("0000 26 04 04 07000000")
rpc_types = all_headers + bytes.fromhex("ffff 0a00 0000") + ntext("SELECT 1") + ntext("@a bigint, @b varchar(max), @c datetime2(7)") + \
    bytes.fromhex("0000 26 08 08 0100000000002000") + \
    bytes.fromhex("0000 a7 ffff 0904d00034 0500000000000000 05000000 62e9746180 00000000") + \
    bytes.fromhex("0000 2a 07 08 800f415273 80460b") + bytes.fromhex("0000 6a 05 0a 02 05 01 39300000")
batch = all_headers + ucs2("SELECT name FROM sys.databases")
tm = all_headers + bytes([0x07, 0x00, 0x00, 0x01, 0x00, 0x00])
write("fuzz_tds", packet(0x12, prelogin))
write("fuzz_tds", packet(0x10, login7("sa", "Str0ng!Passw0rd#1", "master")))
write("fuzz_tds", packet(0x01, batch) + packet(0x06, b""))
write("fuzz_tds", packet(0x03, rpc))
write("fuzz_tds", packet(0x03, rpc_types))
write("fuzz_tds", packet(0x0E, tm))
half = len(batch) // 2
write("fuzz_tds", packet(0x01, batch[:half], status=0) + packet(0x01, batch[half:]))

# HTTP: requests as ARM, Entra ID and IMDS clients send them.
for req in (
    "GET /subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi1?api-version=2023-08-01 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8443\r\nAuthorization: Bearer x.y.z\r\n\r\n",
    "PUT /subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi1/distributedAvailabilityGroups/dag?api-version=2023-08-01 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8443\r\nContent-Type: application/json\r\nContent-Length: 57\r\n\r\n"
    '{"properties": {"primaryAvailabilityGroupName": "AG_1"}}',
    "POST /tenant-1/oauth2/v2.0/token HTTP/1.1\r\nHost: login\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
    "grant_type=client_credentials&client_id=a%20b&scope=https%3A%2F%2Fmanagement.azure.com%2F.default",
    "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F HTTP/1.1\r\n"
    "Host: 169.254.169.254\r\nMetadata: true\r\n\r\n",
    "GET /files/a/b%2Fc/d HTTP/1.0\r\n\r\n",
):
    write("fuzz_http", req)
