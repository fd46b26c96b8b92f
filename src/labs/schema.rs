//! The parameter table every lab declares: names (Keras / scikit-learn), types, ranges,
//! defaults and help in English and Simplified Chinese. The page renders its controls from
//! this table and `link.rs` checks links against it; nothing else holds a copy.

use serde::Serialize;
use std::collections::BTreeMap;

/// The type, range and default of one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// A whole number in `min..=max`.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// Default value.
        default: i64,
    },
    /// A finite number in `min..=max`; `log` hints a logarithmic control.
    Float {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Default value.
        default: f64,
        /// Whether the range is best explored on a log scale.
        log: bool,
    },
    /// One of a fixed list of names.
    Choice {
        /// Allowed names.
        choices: &'static [&'static str],
        /// Default name.
        default: &'static str,
    },
    /// Comma-separated whole numbers (`0,1,1,0`); the empty string is the empty list.
    IntList {
        /// Most items allowed.
        max_len: usize,
        /// Default, as a link value.
        default: &'static str,
    },
    /// Comma-separated finite numbers (`0.1,0.9,2e-3`); the empty string is the empty list.
    FloatList {
        /// Most items allowed.
        max_len: usize,
        /// Default, as a link value.
        default: &'static str,
    },
}

/// Help text in both UI languages.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Help {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

/// A message in both UI languages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// One parameter of a lab.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Param {
    /// Link key and control name.
    pub name: &'static str,
    /// Type, range and default.
    #[serde(flatten)]
    pub kind: Kind,
    /// Short explanation.
    pub help: Help,
}

/// A lab's identity and parameter table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LabSpec {
    /// Link value of `lab=`.
    pub id: &'static str,
    /// Title in both languages.
    pub title: Help,
    /// Its parameters, in display and link order.
    pub params: &'static [Param],
    /// One-click settings that reproduce a textbook case (may be empty).
    pub presets: &'static [Preset],
}

/// A named set of values for some of a lab's parameters (the rest keep their defaults).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Preset {
    /// Stable id.
    pub id: &'static str,
    /// Button label in both languages.
    pub title: Help,
    /// What the preset shows, in both languages.
    pub help: Help,
    /// `(parameter, link value)` pairs.
    pub values: &'static [(&'static str, &'static str)],
}

/// A checked parameter value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// An `Int` parameter.
    Int(i64),
    /// A `Float` parameter.
    Float(f64),
    /// A `Choice` parameter.
    Choice(String),
    /// An `IntList` parameter.
    IntList(Vec<i64>),
    /// A `FloatList` parameter.
    FloatList(Vec<f64>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Choice(v) => write!(f, "{v}"),
            Value::IntList(v) => write!(f, "{}", join(v)),
            Value::FloatList(v) => write!(f, "{}", join(v)),
        }
    }
}

/// Items joined with commas (Rust's shortest round-trip form for floats).
fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// `s` looks like a whole number (optional leading `-`, digits).
fn looks_whole(s: &str) -> bool {
    !s.is_empty()
        && s.trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
}

/// `s` looks like a decimal number (digits, sign, point, exponent; no `inf`/`nan`).
fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
}

/// The items of a comma-separated list (trimmed); the empty string has none.
fn list_items(raw: &str) -> Vec<&str> {
    if raw.trim().is_empty() {
        Vec::new()
    } else {
        raw.split(',').map(str::trim).collect()
    }
}

impl LabSpec {
    /// The parameter `name` of this table, at compile time, so a lab can reuse another
    /// lab's definition instead of copying it (a missing name fails the build).
    pub const fn param(&self, name: &str) -> Param {
        let mut i = 0;
        while i < self.params.len() {
            if const_str_eq(self.params[i].name, name) {
                return self.params[i];
            }
            i += 1;
        }
        panic!("LabSpec::param: no parameter of that name");
    }
}

/// `a == b` in a const context.
const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Param {
    /// The default value.
    pub fn default_value(&self) -> Value {
        match self.kind {
            Kind::Int { default, .. } => Value::Int(default),
            Kind::Float { default, .. } => Value::Float(default),
            Kind::Choice { default, .. } => Value::Choice(default.to_string()),
            Kind::IntList { default, .. } | Kind::FloatList { default, .. } => self
                .parse(default)
                .unwrap_or_else(|e| panic!("bad default of {}: {}", self.name, e.en)),
        }
    }

    /// The allowed values in words, for error messages.
    pub fn allowed(&self) -> Text {
        match self.kind {
            Kind::Int { min, max, .. } => Text {
                en: format!("a whole number from {min} to {max}"),
                zh: format!("{min} 到 {max} 之间的整数"),
            },
            Kind::Float { min, max, .. } => Text {
                en: format!("a number from {min} to {max}"),
                zh: format!("{min} 到 {max} 之间的数"),
            },
            Kind::Choice { choices, .. } => Text {
                en: format!("one of {}", choices.join(", ")),
                zh: format!("以下之一：{}", choices.join("、")),
            },
            Kind::IntList { max_len, .. } => Text {
                en: format!("up to {max_len} whole numbers separated by commas, e.g. 0,1,1,0"),
                zh: format!("最多 {max_len} 个用逗号分隔的整数，例如 0,1,1,0"),
            },
            Kind::FloatList { max_len, .. } => Text {
                en: format!(
                    "up to {max_len} finite numbers separated by commas, e.g. 0.1,0.9,0.35"
                ),
                zh: format!("最多 {max_len} 个用逗号分隔的有限数，例如 0.1,0.9,0.35"),
            },
        }
    }

    /// Parses and range-checks a link value.
    pub fn parse(&self, raw: &str) -> Result<Value, Text> {
        let bad = |en: &str, zh: &str| {
            let allowed = self.allowed();
            Text {
                en: format!("{}={raw} is {en}: allowed is {}", self.name, allowed.en),
                zh: format!("{}={raw} {zh}：允许的是{}", self.name, allowed.zh),
            }
        };
        let not_whole = || bad("not a whole number", "不是整数");
        let not_number = || bad("not a number", "不是数字");
        let out_of_range = || bad("out of range", "超出范围");
        match self.kind {
            Kind::Int { min, max, .. } => {
                let v: i64 = if looks_whole(raw) {
                    raw.parse().map_err(|_| not_whole())?
                } else {
                    return Err(not_whole());
                };
                if v < min || v > max {
                    return Err(out_of_range());
                }
                Ok(Value::Int(v))
            }
            Kind::Float { min, max, .. } => {
                let v: f64 = if looks_numeric(raw) {
                    raw.parse().map_err(|_| not_number())?
                } else {
                    return Err(not_number());
                };
                if !(min..=max).contains(&v) {
                    return Err(out_of_range());
                }
                Ok(Value::Float(v))
            }
            Kind::Choice { choices, .. } => {
                if choices.contains(&raw) {
                    Ok(Value::Choice(raw.to_string()))
                } else {
                    Err(bad("not a known choice", "不是可选的值"))
                }
            }
            Kind::IntList { max_len, .. } | Kind::FloatList { max_len, .. } => {
                let items = list_items(raw);
                if items.len() > max_len {
                    let n = items.len();
                    return Err(bad(
                        &format!("too long ({n} items)"),
                        &format!("太长（{n} 项）"),
                    ));
                }
                let whole = matches!(self.kind, Kind::IntList { .. });
                let (noun, noun_zh) = if whole {
                    ("whole numbers", "整数")
                } else {
                    ("numbers", "数字")
                };
                let item_error = |i: usize, item: &str, en: &str, zh: &str| {
                    let n = i + 1;
                    bad(
                        &format!("not a list of {noun} (item {n}, \"{item}\", is {en})"),
                        &format!("不是{noun_zh}列表（第 {n} 项“{item}”{zh}）"),
                    )
                };
                if whole {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        match item.parse::<i64>() {
                            Ok(v) if looks_whole(item) => out.push(v),
                            _ => return Err(item_error(i, item, "not a whole number", "不是整数")),
                        }
                    }
                    Ok(Value::IntList(out))
                } else {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        match item.parse::<f64>() {
                            Ok(v) if looks_numeric(item) && v.is_finite() => out.push(v),
                            Ok(_) if looks_numeric(item) => {
                                return Err(item_error(i, item, "not finite", "不是有限数"))
                            }
                            _ => return Err(item_error(i, item, "not a number", "不是数字")),
                        }
                    }
                    Ok(Value::FloatList(out))
                }
            }
        }
    }
}

/// A lab's checked configuration: one value per parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// The lab it belongs to.
    #[serde(skip)]
    pub lab: &'static LabSpec,
    /// Values by parameter name.
    pub values: BTreeMap<&'static str, Value>,
}

impl Config {
    /// Every parameter at its default.
    pub fn defaults(lab: &'static LabSpec) -> Config {
        Config {
            lab,
            values: lab
                .params
                .iter()
                .map(|p| (p.name, p.default_value()))
                .collect(),
        }
    }
    /// An integer parameter (panics if the lab has no such `Int` parameter: a bug).
    pub fn int(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(Value::Int(v)) => *v,
            other => panic!("{}: no int parameter {name} ({other:?})", self.lab.id),
        }
    }
    /// A float parameter.
    pub fn float(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(Value::Float(v)) => *v,
            other => panic!("{}: no float parameter {name} ({other:?})", self.lab.id),
        }
    }
    /// A choice parameter.
    pub fn choice(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(Value::Choice(v)) => v,
            other => panic!("{}: no choice parameter {name} ({other:?})", self.lab.id),
        }
    }
    /// An integer-list parameter.
    pub fn int_list(&self, name: &str) -> &[i64] {
        match self.values.get(name) {
            Some(Value::IntList(v)) => v,
            other => panic!("{}: no int list parameter {name} ({other:?})", self.lab.id),
        }
    }
    /// A float-list parameter.
    pub fn float_list(&self, name: &str) -> &[f64] {
        match self.values.get(name) {
            Some(Value::FloatList(v)) => v,
            other => panic!(
                "{}: no float list parameter {name} ({other:?})",
                self.lab.id
            ),
        }
    }
}
