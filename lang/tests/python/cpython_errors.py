# Prints CPython's SyntaxError for each case of a corpus (cases separated by lines "---"), as
# JSON lines: {"case": i, "type": ..., "msg": ..., "line": ..., "col": ...}. Used by
# lang/tests/python_errors.rs to check fcall's wording, line and column against CPython's.
import json, sys
text = open(sys.argv[1]).read()
cases = text.split("\n---\n")
for i, case in enumerate(cases):
    case = case.rstrip("\n") + "\n" if i == len(cases) - 1 else case + "\n"
    try:
        compile(case, "<input>", "exec")
        out = {"case": i, "type": None}
    except SyntaxError as e:
        out = {"case": i, "type": type(e).__name__, "msg": e.msg, "line": e.lineno, "col": e.offset}
    print(json.dumps(out))
