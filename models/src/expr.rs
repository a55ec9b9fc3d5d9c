//! Payoff and probability expressions over named parameters.
//!
//! An [`Expr`] is numbers, parameter names, `+ - * /`, unary minus and parentheses, such as
//! `V - x - rho` or `(1-p)*V - k_A`. It is parsed once (shunting-yard, no recursion, so neither deep
//! parentheses nor long sums can overflow the stack) into postfix form and kept: the threshold analysis
//! evaluates the same expression over other number types (affine or polynomial functions of a
//! parameter) through [`Expr::fold`], while [`Expr::eval`] gives its exact value under an assignment.
//!
//! Next: [`crate::tree`], whose payoffs and chance probabilities are expressions.

use std::fmt;

use crate::number::{ParseNumberError, Q};

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// One step of a postfix program.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    Num(Q),
    Param(Box<str>),
    Neg,
    Bin(BinOp),
}

/// A parsed expression, with the text it was written as.
///
/// # Examples
/// ```
/// use redline_models::expr::Expr;
/// use redline_models::number::Q;
/// let e = Expr::parse("(1 - p) * V - k").unwrap();
/// let v = e.eval(|name| match name {
///     "p" => Some("1/2".parse().unwrap()),
///     "V" => Some(Q::from_int(10)),
///     "k" => Some(Q::from_int(4)),
///     _ => None,
/// });
/// assert_eq!(v.unwrap(), Q::from_int(1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    ops: Vec<Op>,
    text: Box<str>,
}

/// Why an expression could not be parsed; `column` counts characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprParseError {
    /// The 1-based character column within the expression text.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A name that is not a parameter of the game.
    #[error("unknown parameter `{0}`")]
    UnknownParameter(String),
    /// A division whose divisor evaluates to zero.
    #[error("division by zero in `{0}`")]
    DivisionByZero(String),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pending {
    Open,
    Neg,
    Bin(BinOp),
}

fn precedence(p: Pending) -> u8 {
    match p {
        Pending::Open => 0,
        Pending::Bin(BinOp::Add | BinOp::Sub) => 1,
        Pending::Bin(BinOp::Mul | BinOp::Div) => 2,
        Pending::Neg => 3,
    }
}

impl Expr {
    /// The constant expression `q`.
    #[must_use]
    pub fn number(q: Q) -> Expr {
        let text = q.to_string().into_boxed_str();
        Expr { ops: vec![Op::Num(q)], text }
    }

    /// Parses an expression.
    ///
    /// # Errors
    /// [`ExprParseError`] with the column of the offending character.
    pub fn parse(text: &str) -> Result<Expr, ExprParseError> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let col_of = |i: usize| i + 1;
        let err = |i: usize, message: String| ExprParseError { column: col_of(i), message };
        let mut ops: Vec<Op> = Vec::new();
        let mut stack: Vec<(Pending, usize)> = Vec::new();
        // True when the next token must be an operand (start, after an operator or `(`).
        let mut want_operand = true;
        let mut i = 0;
        let pop_while =
            |stack: &mut Vec<(Pending, usize)>, ops: &mut Vec<Op>, min_prec: u8, right_assoc: bool| {
                while let Some(&(top, _)) = stack.last() {
                    let p = precedence(top);
                    if top == Pending::Open || p < min_prec || (right_assoc && p == min_prec) {
                        break;
                    }
                    stack.pop();
                    ops.push(match top {
                        Pending::Neg => Op::Neg,
                        Pending::Bin(b) => Op::Bin(b),
                        Pending::Open => unreachable!("`(` stops the loop above"),
                    });
                }
            };
        while i < chars.len() {
            let (_, c) = chars[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            if want_operand {
                if c == '(' {
                    stack.push((Pending::Open, i));
                    i += 1;
                } else if c == '-' || c == '+' {
                    if c == '-' {
                        stack.push((Pending::Neg, i));
                    }
                    i += 1;
                } else if c.is_ascii_digit() || c == '.' {
                    let start = i;
                    while i < chars.len() && (chars[i].1.is_ascii_digit() || chars[i].1 == '.') {
                        i += 1;
                    }
                    // An exponent only when `e` is followed by digits (optionally signed).
                    if i < chars.len() && (chars[i].1 == 'e' || chars[i].1 == 'E') {
                        let mut j = i + 1;
                        if j < chars.len() && (chars[j].1 == '+' || chars[j].1 == '-') {
                            j += 1;
                        }
                        if j < chars.len() && chars[j].1.is_ascii_digit() {
                            i = j;
                            while i < chars.len() && chars[i].1.is_ascii_digit() {
                                i += 1;
                            }
                        }
                    }
                    let end = chars.get(i).map_or(text.len(), |c| c.0);
                    let lit = &text[chars[start].0..end];
                    let q = Q::parse_exact(lit).map_err(|e| {
                        err(
                            start,
                            match e {
                                ParseNumberError::TooLarge(_) => e.to_string(),
                                _ => format!("`{lit}` is not a number"),
                            },
                        )
                    })?;
                    ops.push(Op::Num(q));
                    want_operand = false;
                } else if c.is_alphabetic() || c == '_' {
                    let start = i;
                    while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                        i += 1;
                    }
                    let end = chars.get(i).map_or(text.len(), |c| c.0);
                    ops.push(Op::Param(text[chars[start].0..end].into()));
                    want_operand = false;
                } else if c == ')' {
                    return Err(err(i, "expected a number or a parameter before `)`".into()));
                } else {
                    return Err(err(i, format!("unexpected `{c}` where a number or a parameter belongs")));
                }
            } else {
                let op = match c {
                    '+' => Some(BinOp::Add),
                    '-' => Some(BinOp::Sub),
                    '*' => Some(BinOp::Mul),
                    '/' => Some(BinOp::Div),
                    _ => None,
                };
                if let Some(op) = op {
                    pop_while(&mut stack, &mut ops, precedence(Pending::Bin(op)), false);
                    stack.push((Pending::Bin(op), i));
                    want_operand = true;
                    i += 1;
                } else if c == ')' {
                    pop_while(&mut stack, &mut ops, 1, false);
                    match stack.pop() {
                        Some((Pending::Open, _)) => {}
                        _ => return Err(err(i, "`)` without a matching `(`".into())),
                    }
                    i += 1;
                } else {
                    return Err(err(i, format!("unexpected `{c}` where an operator belongs")));
                }
            }
        }
        if want_operand {
            let at = chars.len();
            return Err(err(
                at,
                if text.trim().is_empty() {
                    "empty expression".into()
                } else {
                    "expression ends early".into()
                },
            ));
        }
        pop_while(&mut stack, &mut ops, 1, false);
        if let Some(&(_, at)) = stack.last() {
            return Err(err(at, "`(` is never closed".into()));
        }
        Ok(Expr { ops, text: text.trim().into() })
    }

    /// The text the expression was written as.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parameter names used, in order of first use, without repeats.
    #[must_use]
    pub fn parameters(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for op in &self.ops {
            if let Op::Param(p) = op
                && !names.contains(&&**p)
            {
                names.push(p);
            }
        }
        names
    }

    /// The value when the expression is a plain number (possibly negated), without parameters.
    #[must_use]
    pub fn as_constant(&self) -> Option<Q> {
        if self.ops.iter().any(|o| matches!(o, Op::Param(_))) {
            return None;
        }
        self.eval(|_| None).ok()
    }

    /// Evaluates exactly, looking parameters up with `lookup`.
    ///
    /// # Errors
    /// [`EvalError`] for an unknown name or a division by zero.
    pub fn eval(&self, lookup: impl Fn(&str) -> Option<Q>) -> Result<Q, EvalError> {
        self.fold(
            |q| Ok(q.clone()),
            |name| lookup(name).ok_or_else(|| EvalError::UnknownParameter(name.to_string())),
            |q| -q,
            |op, a, b| match op {
                BinOp::Add => Ok(a + b),
                BinOp::Sub => Ok(a - b),
                BinOp::Mul => Ok(a * b),
                BinOp::Div => {
                    a.checked_div(&b).ok_or_else(|| EvalError::DivisionByZero(self.text.to_string()))
                }
            },
        )
    }

    /// Evaluates over any value type: numbers and parameters are mapped by `num` and `param`, then
    /// combined by `neg` and `bin` in postfix order. This is how the threshold analysis reads an
    /// expression as a function of one parameter.
    ///
    /// # Errors
    /// Whatever `num`, `param` or `bin` return.
    pub fn fold<T, E>(
        &self,
        mut num: impl FnMut(&Q) -> Result<T, E>,
        mut param: impl FnMut(&str) -> Result<T, E>,
        mut neg: impl FnMut(T) -> T,
        mut bin: impl FnMut(BinOp, T, T) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut stack: Vec<T> = Vec::with_capacity(4);
        for op in &self.ops {
            match op {
                Op::Num(q) => stack.push(num(q)?),
                Op::Param(p) => stack.push(param(p)?),
                Op::Neg => {
                    let a = stack.pop().expect("a parsed expression has an operand for every operator");
                    stack.push(neg(a));
                }
                Op::Bin(b) => {
                    let y =
                        stack.pop().expect("a parsed expression has two operands for every binary operator");
                    let x =
                        stack.pop().expect("a parsed expression has two operands for every binary operator");
                    stack.push(bin(*b, x, y)?);
                }
            }
        }
        Ok(stack.pop().expect("a parsed expression leaves exactly one value"))
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let e = Expr::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        let v = e
            .eval(|n| match n {
                "a" => Some(Q::from_int(3)),
                "b" => Some(Q::ratio(1, 2).unwrap()),
                "rho_H" => Some(Q::from_int(5)),
                _ => None,
            })
            .unwrap();
        assert_eq!(v.to_string(), expected, "{input}");
    }

    fn check_err(input: &str, column: usize, message: &str) {
        let e = Expr::parse(input).unwrap_err();
        assert_eq!((e.column, e.message.as_str()), (column, message), "{input}");
    }

    #[test]
    fn evaluates_with_precedence() {
        check("1 + 2 * 3", "7");
        check("(1 + 2) * 3", "9");
        check("-a - -b", "-5/2");
        check("a - b - 1", "3/2");
        check("a / 2 / 3", "1/2");
        check("2/3", "2/3");
        check("0.1 + 0.2", "3/10");
        check("1e-3 * a", "3/1000");
        check("-(a + b) * 2", "-7");
        check("rho_H - 2*a", "-1");
        check("--a", "3");
        check("+a", "3");
        check("a*-b", "-3/2");
    }

    #[test]
    fn reports_errors_with_columns() {
        check_err("", 1, "empty expression");
        check_err("1 +", 4, "expression ends early");
        check_err("(1 + 2", 1, "`(` is never closed");
        check_err("1 + 2)", 6, "`)` without a matching `(`");
        check_err("1 $ 2", 3, "unexpected `$` where an operator belongs");
        check_err("a b", 3, "unexpected `b` where an operator belongs");
        check_err("()", 2, "expected a number or a parameter before `)`");
        check_err("1..2", 1, "`1..2` is not a number");
    }

    #[test]
    fn evaluation_errors() {
        let e = Expr::parse("a / (b - b)").unwrap();
        let v = e.eval(|_| Some(Q::one()));
        assert_eq!(v, Err(EvalError::DivisionByZero("a / (b - b)".into())));
        let e = Expr::parse("c + 1").unwrap();
        assert_eq!(e.eval(|_| None), Err(EvalError::UnknownParameter("c".into())));
    }

    #[test]
    fn long_and_deep_expressions_do_not_overflow() {
        let long = vec!["1"; 200_000].join("+");
        check(&long, "200000");
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        check(&deep, "1");
        let negs = format!("{}1", "-".repeat(100_001));
        check(&negs, "-1");
    }

    #[test]
    fn lists_parameters_and_constants() {
        let e = Expr::parse("x + y * x").unwrap();
        assert_eq!(e.parameters(), vec!["x", "y"]);
        assert_eq!(e.as_constant(), None);
        assert_eq!(Expr::parse("-(3/4)").unwrap().as_constant(), Some(Q::ratio(-3, 4).unwrap()));
    }
}
