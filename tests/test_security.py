"""The formula sandbox: every escape and denial-of-service trick is refused, quickly.

Modelled on simpleeval's own tests/test_security.py, plus the holes listed in
shared/research/engines-anchors.md (attribute escapes, generator frames,
format strings, huge powers, deep nesting).
"""

import time
from decimal import Decimal as D
from decimal import localcontext

import pytest

import perfrules as pr
from perfrules._compile import CONTEXT

NAMES = {"x": "number", "y": "number", "ok": "bool"}

ESCAPES = [
    "().__class__.__mro__[1].__subclasses__()",
    "x.__class__",
    "__import__('os').system('echo pwned')",
    "__builtins__",
    "_k0",
    "e['x']",
    "(lambda: 1)()",
    "[c for c in ()]",
    "{}.keys()",
    "(y := 1)",
    "'{0.__class__}'.format(x)",
    "f'{x.__class__}'",
    "'%s' % x",
    "(i for i in ()).gi_frame",
    "(i for i in ()).gi_frame.f_back.f_globals",
    "getattr(x, '__class__')",
    "type(x)",
    "eval('1')",
    "exec('1')",
    "open('/etc/passwd')",
    "globals()",
    "x[0]",
    "b'abc'",
    "...",
    "None",
    "1j",
    "{1, 2}",
    "(1, 2)",
    "await x",
    "x if ok else 'text'",
    "__class__",
    "x.real",
    "min(*[x])",
    "min(x=1)",
    "abs.__self__",
    "div(x, y, d=1)",
]

DOS = [
    "4000000 ** 4000000",
    "9 ** 9 ** 9",
    "x ** y",
    "x ** 101",
    "9" * 100,
    "1e999999999",
    "1" + "0" * 30,
    "-" * 2000 + "1",
    "(" * 500 + "1" + ")" * 500,
    " + ".join(["x"] * 600),
    "min(" + ", ".join(["x"] * 500) + ")",
    "x" + " + x" * 1500,
    "not " * 300 + "ok",
    "x " * 5000,
]


def _refused(text):
    start = time.perf_counter()
    with pytest.raises(pr.FormulaError) as err:
        pr.compile_formula(text, NAMES)
    elapsed = time.perf_counter() - start
    return err.value, elapsed


@pytest.mark.parametrize("text", ESCAPES)
def test_escapes_are_refused_quickly(text):
    err, elapsed = _refused(text)
    assert elapsed < 0.1
    assert err.message


@pytest.mark.parametrize("text", DOS)
def test_denial_of_service_refused_quickly(text):
    err, elapsed = _refused(text)
    assert elapsed < 0.1
    assert err.code in {
        "formula-power",
        "formula-literal",
        "formula-too-long",
        "formula-too-deep",
        "formula-too-large",
        "formula-syntax",
        "formula-type",
    }


def test_generated_code_has_no_builtins():
    f = pr.compile_formula("x + 1", NAMES)
    assert {} == f.fn.__globals__["__builtins__"]


def test_allowed_power_cannot_blow_up():
    # The largest exponent allowed on the largest literal allowed stays cheap: 28 digits of
    # precision, and a result above 10^99 traps Overflow (the context's exponent limit).
    f = pr.compile_formula("999999999999999999 ** 100", NAMES)
    start = time.perf_counter()
    with localcontext(CONTEXT), pytest.raises(ArithmeticError):
        f({})
    assert time.perf_counter() - start < 0.1
    with localcontext(CONTEXT):
        out = pr.compile_formula("99 ** 50", NAMES)({})
    assert len(out.as_tuple().digits) <= 28


@pytest.mark.parametrize("x", ["2", "999999999999999999", "0.0000001"])
def test_nested_allowed_powers_are_cheap_at_run_time(x):
    # Each ** is allowed (literal exponent <= 100); nesting them is bounded by
    # the 28-digit precision and the trapped exponent range, not by memory.
    f = pr.compile_formula("((x ** 100) ** 100) ** 100", NAMES)
    start = time.perf_counter()
    with localcontext(CONTEXT):
        try:
            out = f({"x": D(x)})
            assert len(out.as_tuple().digits) <= 28
        except ArithmeticError:
            pass
    assert time.perf_counter() - start < 0.1


def test_products_stay_bounded_by_precision():
    f = pr.compile_formula("x * x * x * x * x * x * x * x * x * x", NAMES)
    with localcontext(CONTEXT):
        out = f({"x": D("123456789.123456789")})
    assert len(out.as_tuple().digits) <= 28


def test_non_identifier_names_cannot_be_declared():
    for bad in ["__class__", "a.b", "1x", "import", "e['x']"]:
        with pytest.raises(ValueError):
            pr.Metric(bad)


def test_names_with_underscore_prefix_refused_even_if_declared():
    with pytest.raises(pr.FormulaError, match="starting with '_'"):
        pr.compile_formula("_secret + 1", {"_secret": "number"})
