//! The filter language's syntax: tokens, the expression tree, and errors that point at a column.
//!
//! ```text
//! expr       := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" expr ")" | "exists" path | path [op operand]
//! op         := = != < <= > >= | in | not in | has | matches | contains | starts_with
//!               | ends_with | within | before | after
//! operand    := value | "[" value ("," value)* "]"
//! path       := word ( "(" value,* ")" )? ( "." word ( "(" value,* ")" )? )*
//! value      := word | "quoted text" | 'quoted text' | $list-name
//! ```
//! Words hold letters, digits, `-`, `_`, `.` and `@`, so `webinar-2026`, `ada@x.example` and
//! `company.industry` need no quotes. A word on the right of an operator is a date
//! (`2026-10-01`), a duration (`14d`, `6w`, `3m`, `1y`), a number, or text.
//!
//! Parentheses and `not` nest at most [`MAX_DEPTH`] levels: the parser and the evaluator recurse
//! once per level, and 8,000 nested parentheses overflowed the stack and aborted every command.

use crate::util::duration::parse_duration;
use jiff::civil::Date;
use std::fmt;

/// How deeply parentheses and `not` may nest. Real filters nest two or three levels; each level
/// costs a few stack frames in the parser, the evaluator and the tree's drop.
pub const MAX_DEPTH: usize = 64;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Has,
    Matches,
    Contains,
    StartsWith,
    EndsWith,
    Within,
    Before,
    After,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Has => "has",
            Op::Matches => "matches",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::EndsWith => "ends_with",
            Op::Within => "within",
            Op::Before => "before",
            Op::After => "after",
        }
    }
}

/// A literal value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A bare word or quoted text.
    Text(String),
    /// A number, with the text it was written as (`08001` stays `08001` for text fields).
    Number(f64, String),
    Date(Date),
    /// A duration in days (`14d`, `6w` = 42, `3m` = 90, `1y` = 365).
    Days(i64),
    /// `$name`: a list from kith.yaml.
    Var(String),
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Text(t) => write!(f, "{t}"),
            Lit::Number(_, text) => f.write_str(text),
            Lit::Date(d) => write!(f, "{d}"),
            Lit::Days(d) => write!(f, "{d}d"),
            Lit::Var(v) => write!(f, "${v}"),
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    One(Lit),
    List(Vec<Lit>),
}

/// One step of a path: a name, optionally called with arguments (`visit("/pricing")`).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    pub args: Option<Vec<Lit>>,
}

/// A field reference such as `company.industry` or `activity.visit.count(30d)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub steps: Vec<Step>,
    /// 1-based character column where the path starts.
    pub col: usize,
    /// The path as written, for messages.
    pub text: String,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Exists(Path),
    /// A path alone: true when the field is true, or present and not empty.
    Truthy(Path),
    Cmp {
        path: Path,
        op: Op,
        rhs: Operand,
        /// Columns of the operator and of the value, for messages.
        op_col: usize,
        rhs_col: usize,
    },
}

impl Expr {
    /// Every path the expression mentions (for dependency checks).
    pub fn paths(&self) -> Vec<&Path> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a Path>) {
        match self {
            Expr::Or(v) | Expr::And(v) => v.iter().for_each(|e| e.collect_paths(out)),
            Expr::Not(e) => e.collect_paths(out),
            Expr::Exists(p) | Expr::Truthy(p) | Expr::Cmp { path: p, .. } => out.push(p),
        }
    }
}

/// How many characters of an expression [`FilterError::render`] shows.
const RENDER_WIDTH: usize = 160;

/// A syntax or meaning error, at a 1-based character column of the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub col: usize,
    pub message: String,
}

impl FilterError {
    pub fn new(col: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            col,
            message: message.into(),
        }
    }

    /// The expression, a caret under the column, and the message:
    /// ```text
    ///   score >= high
    ///            ^ expected a number
    /// ```
    /// An expression longer than [`RENDER_WIDTH`] characters is cut to the part around the
    /// column, with `…` where text was left out.
    pub fn render(&self, expr: &str) -> String {
        let chars: Vec<char> = expr.chars().collect();
        let at = self.col.saturating_sub(1).min(chars.len());
        if chars.len() <= RENDER_WIDTH {
            let pad = " ".repeat(at);
            return format!("  {expr}\n  {pad}^ {}", self.message);
        }
        let start = at
            .saturating_sub(RENDER_WIDTH / 2)
            .min(chars.len() - RENDER_WIDTH);
        let end = (start + RENDER_WIDTH).min(chars.len());
        let before = if start > 0 { "…" } else { "" };
        let after = if end < chars.len() { "…" } else { "" };
        let shown: String = chars[start..end].iter().collect();
        let pad = " ".repeat(at - start + before.chars().count());
        format!("  {before}{shown}{after}\n  {pad}^ {}", self.message)
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.col, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Var(String),
    Op(Op),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    col: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/' | '+' | ':')
}

fn lex(src: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                out.push(Token {
                    tok: match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '[' => Tok::LBracket,
                        ']' => Tok::RBracket,
                        _ => Tok::Comma,
                    },
                    col,
                });
                i += 1;
            }
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => (Op::Eq, 2),
                    ('=', _) => (Op::Eq, 1),
                    ('!', Some('=')) => (Op::Ne, 2),
                    ('<', Some('=')) => (Op::Le, 2),
                    ('<', _) => (Op::Lt, 1),
                    ('>', Some('=')) => (Op::Ge, 2),
                    ('>', _) => (Op::Gt, 1),
                    _ => {
                        return Err(FilterError::new(
                            col,
                            "expected `!=`; for negation write `not`",
                        ));
                    }
                };
                out.push(Token {
                    tok: Tok::Op(op),
                    col,
                });
                i += len;
            }
            '"' | '\'' => {
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(FilterError::new(col, "this quoted text is never closed"));
                        }
                        Some('\\') if c == '"' => {
                            if let Some(&n) = chars.get(j + 1) {
                                text.push(n);
                            }
                            j += 2;
                        }
                        Some(&q) if q == c => break,
                        Some(&other) => {
                            text.push(other);
                            j += 1;
                        }
                    }
                }
                out.push(Token {
                    tok: Tok::Str(text),
                    col,
                });
                i = j + 1;
            }
            '$' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && is_word_char(chars[j]) {
                    j += 1;
                }
                if j == start {
                    return Err(FilterError::new(col, "expected a list name after `$`"));
                }
                out.push(Token {
                    tok: Tok::Var(chars[start..j].iter().collect()),
                    col,
                });
                i = j;
            }
            c if is_word_char(c) => {
                let mut j = i;
                while j < chars.len() && is_word_char(chars[j]) {
                    j += 1;
                }
                out.push(Token {
                    tok: Tok::Word(chars[i..j].iter().collect()),
                    col,
                });
                i = j;
            }
            other => return Err(FilterError::new(col, format!("unexpected `{other}`"))),
        }
    }
    out.push(Token {
        tok: Tok::End,
        col: chars.len() + 1,
    });
    Ok(out)
}

fn word_op(w: &str) -> Option<Op> {
    Some(match w.to_ascii_lowercase().as_str() {
        "in" => Op::In,
        "has" => Op::Has,
        "matches" => Op::Matches,
        "contains" => Op::Contains,
        "starts_with" => Op::StartsWith,
        "ends_with" => Op::EndsWith,
        "within" => Op::Within,
        "before" => Op::Before,
        "after" => Op::After,
        _ => return None,
    })
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "and" | "or" | "not" | "exists"
    ) || word_op(w).is_some()
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, FilterError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    if matches!(p.peek().tok, Tok::End) {
        return Err(FilterError::new(1, "the expression is empty"));
    }
    let expr = p.or()?;
    match &p.peek().tok {
        Tok::End => Ok(expr),
        Tok::RParen => Err(FilterError::new(
            p.peek().col,
            "unexpected `)` with no `(` before it",
        )),
        _ => Err(FilterError::new(
            p.peek().col,
            "expected `and`, `or` or the end of the expression",
        )),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Open parentheses and `not`s around the current token.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn peek_word(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut items = vec![self.and()?];
        while self.peek_word("or") {
            self.next();
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut items = vec![self.unary()?];
        while self.peek_word("and") {
            self.next();
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::And(items)
        })
    }

    /// Enters one more level of nesting at `col`, or says the expression nests too deeply.
    fn deeper(&mut self, col: usize) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(
                col,
                format!(
                    "parentheses and `not` nest more than {MAX_DEPTH} levels deep here; write the filter with fewer levels"
                ),
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.peek_word("not") {
            let col = self.next().col;
            self.deeper(col)?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        if self.peek_word("exists") {
            self.next();
            return Ok(Expr::Exists(self.path()?));
        }
        if matches!(self.peek().tok, Tok::LParen) {
            let open = self.next().col;
            self.deeper(open)?;
            let e = self.or()?;
            self.depth -= 1;
            if !matches!(self.peek().tok, Tok::RParen) {
                return Err(FilterError::new(
                    self.peek().col,
                    format!("expected `)` to close the `(` at column {open}"),
                ));
            }
            self.next();
            return Ok(e);
        }
        let path = self.path()?;
        let (op, op_col) = match self.peek().tok.clone() {
            Tok::Op(op) => (op, self.next().col),
            Tok::Word(w) if w.eq_ignore_ascii_case("not") => {
                let col = self.next().col;
                if !self.peek_word("in") {
                    return Err(FilterError::new(
                        self.peek().col,
                        "expected `in` after `not`",
                    ));
                }
                self.next();
                (Op::NotIn, col)
            }
            Tok::Word(w) => match word_op(&w) {
                Some(op) => (op, self.next().col),
                None if is_keyword(&w) => return Ok(Expr::Truthy(path)),
                None => {
                    return Err(FilterError::new(
                        self.peek().col,
                        format!(
                            "expected an operator after `{}` (=, !=, <, >, in, has, matches, contains, within, before, after, ...)",
                            path.text
                        ),
                    ));
                }
            },
            _ => return Ok(Expr::Truthy(path)),
        };
        let rhs_col = self.peek().col;
        let rhs = self.operand(op)?;
        Ok(Expr::Cmp {
            path,
            op,
            rhs,
            op_col,
            rhs_col,
        })
    }

    fn path(&mut self) -> Result<Path, FilterError> {
        let start = self.peek().col;
        let Tok::Word(first) = self.peek().tok.clone() else {
            return Err(FilterError::new(start, "expected a field name"));
        };
        if is_keyword(&first) {
            return Err(FilterError::new(
                start,
                format!("expected a field name, found the keyword `{first}`"),
            ));
        }
        self.next();
        let mut text = first.clone();
        let mut steps: Vec<Step> = first
            .split('.')
            .map(|s| Step {
                name: s.to_string(),
                args: None,
            })
            .collect();
        loop {
            match self.peek().tok.clone() {
                Tok::LParen => {
                    let open = self.next().col;
                    let args = self.args(open)?;
                    text.push_str(&format!(
                        "({})",
                        args.iter()
                            .map(|a| a.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    if let Some(last) = steps.last_mut() {
                        last.args = Some(args);
                    }
                }
                Tok::Word(w) if w.starts_with('.') => {
                    self.next();
                    text.push_str(&w);
                    steps.extend(w[1..].split('.').map(|s| Step {
                        name: s.to_string(),
                        args: None,
                    }));
                }
                _ => break,
            }
        }
        if let Some(empty) = steps.iter().position(|s| s.name.is_empty()) {
            let _ = empty;
            return Err(FilterError::new(
                start,
                format!("`{text}` has an empty part between dots"),
            ));
        }
        Ok(Path {
            steps,
            col: start,
            text,
        })
    }

    fn args(&mut self, open: usize) -> Result<Vec<Lit>, FilterError> {
        let mut args = Vec::new();
        if matches!(self.peek().tok, Tok::RParen) {
            self.next();
            return Ok(args);
        }
        loop {
            args.push(self.value()?);
            match self.next().tok {
                Tok::Comma => continue,
                Tok::RParen => return Ok(args),
                _ => {
                    return Err(FilterError::new(
                        self.tokens[self.pos.saturating_sub(1)].col,
                        format!("expected `,` or `)` to close the `(` at column {open}"),
                    ));
                }
            }
        }
    }

    fn operand(&mut self, op: Op) -> Result<Operand, FilterError> {
        if matches!(self.peek().tok, Tok::LBracket) {
            let open = self.next().col;
            let mut items = Vec::new();
            if matches!(self.peek().tok, Tok::RBracket) {
                self.next();
                return Ok(Operand::List(items));
            }
            loop {
                items.push(self.value()?);
                let t = self.next();
                match t.tok {
                    Tok::Comma => continue,
                    Tok::RBracket => return Ok(Operand::List(items)),
                    _ => {
                        return Err(FilterError::new(
                            t.col,
                            format!(
                                "expected `,` or `]` to close the list opened at column {open}"
                            ),
                        ));
                    }
                }
            }
        }
        if matches!(self.peek().tok, Tok::End | Tok::RParen)
            || self.peek_word("and")
            || self.peek_word("or")
        {
            return Err(FilterError::new(
                self.peek().col,
                format!("expected a value after `{}`", op.as_str()),
            ));
        }
        Ok(Operand::One(self.value()?))
    }

    fn value(&mut self) -> Result<Lit, FilterError> {
        let t = self.next();
        match t.tok {
            Tok::Str(s) => Ok(Lit::Text(s)),
            Tok::Var(v) => Ok(Lit::Var(v)),
            Tok::Word(w) => Ok(classify(&w)),
            _ => Err(FilterError::new(
                t.col,
                "expected a value (a word, \"quoted text\", a number, a date or a list)",
            )),
        }
    }
}

/// What a bare word on the right of an operator means.
pub fn classify(w: &str) -> Lit {
    if let Some(d) = crate::record::activity::parse_date(w) {
        return Lit::Date(d);
    }
    if let Some(days) = parse_duration(w) {
        return Lit::Days(days);
    }
    if w.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
        && let Ok(n) = w.parse::<f64>()
        && n.is_finite()
    {
        return Lit::Number(n, w.to_string());
    }
    Lit::Text(w.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (`fuzz/`, target `filter`): a word ending in a character of more than
    /// one byte was cut inside that character when tried as a duration.
    #[test]
    fn words_ending_in_wide_characters_are_not_durations() {
        assert_eq!(parse_duration("3é"), None);
        assert_eq!(parse_duration("ꍍ"), None);
        assert_eq!(parse_duration("14d"), Some(14));
        assert!(parse("lifecycle in [leadꍍ, mql]").is_ok());
    }

    fn err(src: &str) -> (usize, String) {
        let e = parse(src).unwrap_err();
        (e.col, e.message)
    }

    #[test]
    fn parses_the_documented_examples() {
        for src in [
            "lifecycle = lead and score >= 60",
            "lifecycle in [mql, sql] and owner = sam",
            "tags has webinar-2026 and not tags has unsubscribed",
            "email ends_with \"@gmail.com\" or company.industry = software",
            "country in [DE, AT, CH] and company.size >= 50",
            "last_activity within 14d",
            "created before 2026-10-01",
            "activity.visit.count(30d) >= 3",
            "activity.visit(\"/pricing\").count(14d) >= 3",
            "deals.open.count >= 1 and deals.open.amount > 10000",
            "title matches \"(?i)head|vp|director|chief\"",
            "exists phone",
            "not exists owner",
            "email_domain in $internal_domains",
            "(a = 1 or b = 2) and not (c != 3)",
            "email = ada@x.example",
        ] {
            parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        }
    }

    #[test]
    fn precedence_is_not_and_or() {
        let e = parse("a = 1 or b = 2 and not c = 3").unwrap();
        let Expr::Or(items) = e else { panic!() };
        assert!(matches!(&items[1], Expr::And(v) if matches!(v[1], Expr::Not(_))));
    }

    #[test]
    fn classifies_values() {
        let Expr::Cmp { rhs, .. } =
            parse("x in [2026-10-01, 14d, 6w, 3m, 1y, 12.5, -3, webinar-2026, \"q\", $l]").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            rhs,
            Operand::List(vec![
                Lit::Date(Date::constant(2026, 10, 1)),
                Lit::Days(14),
                Lit::Days(42),
                Lit::Days(90),
                Lit::Days(365),
                Lit::Number(12.5, "12.5".into()),
                Lit::Number(-3.0, "-3".into()),
                Lit::Text("webinar-2026".into()),
                Lit::Text("q".into()),
                Lit::Var("l".into()),
            ])
        );
    }

    #[test]
    fn paths_with_calls() {
        let Expr::Cmp { path, .. } = parse("activity.visit(\"/pricing\").count(14d) >= 3").unwrap()
        else {
            panic!()
        };
        let names: Vec<&str> = path.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["activity", "visit", "count"]);
        assert_eq!(path.steps[1].args, Some(vec![Lit::Text("/pricing".into())]));
        assert_eq!(path.steps[2].args, Some(vec![Lit::Days(14)]));
        assert_eq!(path.text, "activity.visit(/pricing).count(14d)");
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(err("score >="), (9, "expected a value after `>=`".into()));
        assert_eq!(err("score >= 60 and"), (16, "expected a field name".into()));
        assert_eq!(
            err("(score >= 60"),
            (13, "expected `)` to close the `(` at column 1".into())
        );
        assert_eq!(err("score 60"), (7, "expected an operator after `score` (=, !=, <, >, in, has, matches, contains, within, before, after, ...)".into()));
        assert_eq!(
            err("tags in [a, b"),
            (
                14,
                "expected `,` or `]` to close the list opened at column 9".into()
            )
        );
        assert_eq!(
            err("name = \"Ada"),
            (8, "this quoted text is never closed".into())
        );
        assert_eq!(
            err("a = 1)"),
            (6, "unexpected `)` with no `(` before it".into())
        );
        assert_eq!(err(""), (1, "the expression is empty".into()));
        assert_eq!(
            err("a = 1 b = 2"),
            (
                7,
                "expected `and`, `or` or the end of the expression".into()
            )
        );
        assert_eq!(
            err("a ! b"),
            (3, "expected `!=`; for negation write `not`".into())
        );
        assert_eq!(err("x not y"), (7, "expected `in` after `not`".into()));
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_at_the_first_level_too_many() {
        let at_limit = format!("{}a = 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&at_limit).is_ok());
        let nots = format!("{}a = 1", "not ".repeat(MAX_DEPTH));
        assert!(parse(&nots).is_ok());
        for (deep, col) in [
            (
                format!("{}a = 1{}", "(".repeat(10_000), ")".repeat(10_000)),
                MAX_DEPTH + 1,
            ),
            (format!("{}a", "not ".repeat(10_000)), 4 * MAX_DEPTH + 1),
            (
                format!("{}a", "not (".repeat(10_000)),
                5 * (MAX_DEPTH / 2) + 1,
            ),
        ] {
            let (at, message) = err(&deep);
            assert_eq!(at, col);
            assert!(message.contains("nest more than 64 levels"), "{message}");
        }
    }

    #[test]
    fn renders_a_caret() {
        let e = parse("score >=").unwrap_err();
        assert_eq!(
            e.render("score >="),
            "  score >=\n          ^ expected a value after `>=`"
        );
    }

    #[test]
    fn a_long_expression_is_rendered_around_the_column() {
        let deep = format!("{}a = 1{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(&deep).unwrap_err();
        let rendered = e.render(&deep);
        let (expr, caret) = rendered.split_once('\n').unwrap();
        assert_eq!(expr, format!("  {}…", "(".repeat(RENDER_WIDTH)));
        assert_eq!(caret.find('^'), Some(2 + MAX_DEPTH));
        let e = FilterError::new(19_990, "here");
        let rendered = e.render(&deep);
        let (expr, caret) = rendered.split_once('\n').unwrap();
        assert_eq!(expr, format!("  …{}", ")".repeat(RENDER_WIDTH)));
        assert_eq!(
            caret.find('^'),
            // Two spaces, one for the `…`, then the 16th character from the end.
            Some(2 + 1 + RENDER_WIDTH - 16),
            "{caret}"
        );
    }

    #[test]
    fn keywords_are_case_insensitive() {
        assert!(parse("A = 1 AND NOT b HAS x OR c IN [1]").is_ok());
    }
}
