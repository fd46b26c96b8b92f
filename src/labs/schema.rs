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
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Choice(v) => write!(f, "{v}"),
        }
    }
}

impl Param {
    /// The default value.
    pub fn default_value(&self) -> Value {
        match self.kind {
            Kind::Int { default, .. } => Value::Int(default),
            Kind::Float { default, .. } => Value::Float(default),
            Kind::Choice { default, .. } => Value::Choice(default.to_string()),
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
                let ok = !raw.is_empty()
                    && raw
                        .trim_start_matches('-')
                        .bytes()
                        .all(|b| b.is_ascii_digit());
                let v: i64 = if ok {
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
                let looks_numeric = raw
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                    && !raw.is_empty();
                let v: f64 = if looks_numeric {
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
}
