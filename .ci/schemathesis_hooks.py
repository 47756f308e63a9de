"""Schemathesis hooks for Lectern's contract tests.

CPython 3.11.7 (this machine's interpreter) can raise "SystemError: AST constructor recursion
depth mismatch" from ast.parse when hypothesis reads the source of a lambda to describe it; the
description only labels a filter in reports. Fall back to hypothesis' own "unknown" label
instead of aborting the run.
"""

import hypothesis.internal.lambda_sources as _sources

_describe = _sources._lambda_description


def _safe_description(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


_sources._lambda_description = _safe_description
