//! The small expression language of the fields Argo evaluates: `when` (govaluate, after
//! `{{…}}` substitution), `depends` (task results), `retryStrategy.expression` and `{{= …}}`
//! (expr-lang). One parser serves all three for the subset Argo manifests use: `&&`, `||`,
//! `!`, comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`), `??`, parentheses, quoted strings,
//! numbers, `true`, `false`, `nil` and dotted names resolved by the caller.

use std::fmt;

/// A value an expression computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// `nil`, or a name with no value.
    Nil,
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Value::Num(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Nil => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    Open,
    Close,
}

const OPS: [&str; 11] = ["&&", "||", "==", "!=", "<=", ">=", "??", "<", ">", "!", "=~"];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Token::Open);
            i += 1;
        } else if c == ')' {
            out.push(Token::Close);
            i += 1;
        } else if c == '"' || c == '\'' || c == '`' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(&d) = chars.get(i) else { return Err(format!("an unterminated string in `{text}`")) };
                i += 1;
                if d == c {
                    break;
                }
                if d == '\\' && c != '`' {
                    let Some(&e) = chars.get(i) else { return Err(format!("an unterminated string in `{text}`")) };
                    i += 1;
                    s.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                } else {
                    s.push(d);
                }
            }
            out.push(Token::Str(s));
        } else if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            out.push(Token::Op(op));
            i += op.len();
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '_' | '-')) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(word.parse::<f64>().map(Token::Num).unwrap_or(Token::Word(word)));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '.' | '_' | '-')) {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            return Err(format!("`{c}` is not understood in `{text}`"));
        }
    }
    Ok(out)
}

/// Evaluates `text`; `lookup` gives the value of a dotted name, or None when it has none.
pub fn eval(text: &str, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Value, String> {
    let tokens = tokens(text)?;
    let mut parser = Parser { tokens: &tokens, at: 0, lookup, text };
    let value = parser.or()?;
    if parser.at != tokens.len() {
        return Err(format!("unexpected `{}` in `{text}`", describe(&tokens[parser.at])));
    }
    Ok(value)
}

/// Evaluates `text` to a boolean: a non-boolean result is an error.
pub fn eval_bool(text: &str, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<bool, String> {
    match eval(text, lookup)? {
        Value::Bool(b) => Ok(b),
        other => Err(format!("`{text}` gives `{other}`, not true or false")),
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => w.clone(),
        Token::Str(s) => format!("\"{s}\""),
        Token::Num(n) => n.to_string(),
        Token::Op(o) => (*o).to_owned(),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    lookup: &'a dyn Fn(&str) -> Option<Value>,
    text: &'a str,
}

impl Parser<'_> {
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Op(o)) if *o == op)
    }

    fn truth(&self, v: &Value) -> Result<bool, String> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(format!("`{other}` is not true or false in `{}`", self.text)),
        }
    }

    fn or(&mut self) -> Result<Value, String> {
        let mut left = self.and()?;
        while self.peek_op("||") {
            self.at += 1;
            let right = self.and()?;
            left = Value::Bool(self.truth(&left)? || self.truth(&right)?);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Value, String> {
        let mut left = self.not()?;
        while self.peek_op("&&") {
            self.at += 1;
            let right = self.not()?;
            left = Value::Bool(self.truth(&left)? && self.truth(&right)?);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Value, String> {
        if self.peek_op("!") {
            self.at += 1;
            let v = self.not()?;
            return Ok(Value::Bool(!self.truth(&v)?));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Value, String> {
        let left = self.coalesce()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.peek_op(op) {
                self.at += 1;
                let right = self.coalesce()?;
                return Ok(Value::Bool(compare(op, &left, &right)));
            }
        }
        Ok(left)
    }

    fn coalesce(&mut self) -> Result<Value, String> {
        let mut left = self.primary()?;
        while self.peek_op("??") {
            self.at += 1;
            let right = self.primary()?;
            if left == Value::Nil {
                left = right;
            }
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Value, String> {
        let Some(token) = self.tokens.get(self.at) else { return Err(format!("`{}` ends too early", self.text)) };
        self.at += 1;
        match token {
            Token::Open => {
                let v = self.or()?;
                if self.tokens.get(self.at) != Some(&Token::Close) {
                    return Err(format!("a `(` is not closed in `{}`", self.text));
                }
                self.at += 1;
                Ok(v)
            }
            Token::Str(s) => Ok(Value::Str(s.clone())),
            Token::Num(n) => Ok(Value::Num(*n)),
            Token::Word(w) if w == "true" => Ok(Value::Bool(true)),
            Token::Word(w) if w == "false" => Ok(Value::Bool(false)),
            Token::Word(w) if w == "nil" => Ok(Value::Nil),
            Token::Word(w) => (self.lookup)(w).ok_or_else(|| format!("`{w}` has no value in `{}`", self.text)),
            other => Err(format!("unexpected `{}` in `{}`", describe(other), self.text)),
        }
    }
}

fn compare(op: &str, left: &Value, right: &Value) -> bool {
    let ordering = match (left, right) {
        (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Nil, Value::Nil) => Some(std::cmp::Ordering::Equal),
        _ => None,
    };
    match op {
        "==" => ordering == Some(std::cmp::Ordering::Equal),
        "!=" => ordering != Some(std::cmp::Ordering::Equal),
        "<" => ordering == Some(std::cmp::Ordering::Less),
        ">" => ordering == Some(std::cmp::Ordering::Greater),
        "<=" => matches!(ordering, Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)),
        ">=" => matches!(ordering, Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<Value> {
        None
    }

    #[test]
    fn a_substituted_when_compares_words_and_booleans() {
        assert!(eval_bool("true == true", &none).unwrap());
        assert!(!eval_bool("false == true", &none).unwrap());
        assert!(eval_bool("\"main\" != \"dev\" && (1 < 2 || false)", &none).unwrap());
        assert!(eval_bool("!(2 >= 3)", &none).unwrap());
    }

    #[test]
    fn names_resolve_through_the_lookup_and_coalesce_when_nil() {
        let lookup = |name: &str| match name {
            "lastRetry.exitCode" => Some(Value::Str("2".into())),
            "workflow.outputs.parameters.missing" => Some(Value::Nil),
            _ => None,
        };
        assert!(!eval_bool("lastRetry.exitCode != \"2\"", &lookup).unwrap());
        assert!(eval_bool("lastRetry.exitCode != \"2\" || lastRetry.exitCode == '2'", &lookup).unwrap());
        assert_eq!(eval("workflow.outputs.parameters.missing ?? ''", &lookup).unwrap(), Value::Str(String::new()));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(eval("unknown == 1", &none).unwrap_err().contains("`unknown` has no value"));
        assert!(eval("(true", &none).unwrap_err().contains("not closed"));
        assert!(eval_bool("'x'", &none).unwrap_err().contains("not true or false"));
        assert!(eval("true true", &none).unwrap_err().contains("unexpected"));
    }
}
