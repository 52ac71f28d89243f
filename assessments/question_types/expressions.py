"""A safe evaluator for the arithmetic in numeric answers: `value: "= (before - after) / before"`.

Authors write these in bank files and the authoring UI, so they are untrusted input: the
expression is parsed with `ast` and only numbers, parameter names, `+ - * /`, unary signs,
parentheses and `round(x)` / `round(x, digits)` are evaluated. No other name, call, attribute,
subscript or operator (not even `**`, which could build huge numbers) is accepted.
"""

import ast
import math
from collections.abc import Mapping

# An expression is a short formula; anything longer is a mistake or an attack.
MAX_EXPRESSION_LENGTH = 200
MAX_EXPRESSION_NODES = 60
# round(x, digits) beyond this many digits is meaningless for floats.
MAX_ROUND_DIGITS = 10
ROUND_FUNCTION = "round"
# round(x) or round(x, digits)
ROUND_MAX_ARGUMENTS = 2

_BINARY_OPERATORS = {
    ast.Add: lambda left, right: left + right,
    ast.Sub: lambda left, right: left - right,
    ast.Mult: lambda left, right: left * right,
    ast.Div: lambda left, right: left / right,
}


class ExpressionError(ValueError):
    """The expression uses something not allowed, or cannot be evaluated."""


def evaluate(expression: str, names: Mapping[str, float]) -> float:
    """Evaluate `expression` with `names` (the numeric parameters) as its only variables."""
    expression = expression.strip()
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"the expression {expression!r} is not valid: {error.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_EXPRESSION_NODES:
        raise ExpressionError(f"the expression has more than {MAX_EXPRESSION_NODES} parts")
    try:
        result = _evaluate_node(tree.body, names)
    except ExpressionError:
        raise
    except ZeroDivisionError:
        raise ExpressionError(f"the expression {expression!r} divides by zero") from None
    except (OverflowError, ValueError):
        # round() of an infinite or not-a-number intermediate result
        raise ExpressionError(f"the expression {expression!r} is not a finite number") from None
    if not math.isfinite(result):
        raise ExpressionError(f"the expression {expression!r} is not a finite number")
    return result


def _evaluate_node(node: ast.expr, names: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return _constant(node)
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ExpressionError(f"unknown name {node.id!r}: only numeric parameters may be used")
        return float(names[node.id])
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPERATORS:
        operator = _BINARY_OPERATORS[type(node.op)]
        return float(operator(_evaluate_node(node.left, names), _evaluate_node(node.right, names)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _evaluate_node(node.operand, names)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return _round_call(node, names)
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        raise ExpressionError(f"the operator {type(node.op).__name__} is not allowed: use + - * /")
    raise ExpressionError(
        f"{type(node).__name__} is not allowed: use numbers, parameters, + - * / ( ) and round()"
    )


def _constant(node: ast.Constant) -> float:
    if isinstance(node.value, bool) or not isinstance(node.value, int | float):
        raise ExpressionError(f"only numbers are allowed, not {node.value!r}")
    return float(node.value)


def _round_call(node: ast.Call, names: Mapping[str, float]) -> float:
    if not isinstance(node.func, ast.Name) or node.func.id != ROUND_FUNCTION:
        raise ExpressionError("the only function allowed is round()")
    if node.keywords or not 1 <= len(node.args) <= ROUND_MAX_ARGUMENTS:
        raise ExpressionError("round() takes a number and optionally a count of digits")
    value = _evaluate_node(node.args[0], names)
    if len(node.args) == 1:
        return float(round(value))
    digits = _evaluate_node(node.args[1], names)
    if not digits.is_integer() or not 0 <= digits <= MAX_ROUND_DIGITS:
        raise ExpressionError(f"round()'s digits must be a whole number 0..{MAX_ROUND_DIGITS}")
    return round(value, int(digits))
