//! The parameter table every lab declares: names (Keras / scikit-learn), types, ranges,
//! defaults and help in English and Simplified Chinese. The page renders its controls from
//! this table, `link.rs` checks links against it and each lab turns the checked values into
//! its own typed configuration once ([`FromConfig`]); nothing else holds a copy.

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
    /// True when the value only changes how a finished run is shown (a threshold, a class
    /// to look at), so moving it redraws instead of running again.
    pub view: bool,
    /// When set, the parameter has an effect only while another parameter has one of these
    /// values (the page hides it otherwise; its value stays in the link).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_when: Option<When>,
    /// True for a parameter added after its lab shipped: canonical links leave it out
    /// while it is at its default, so links recorded before it keep their exact text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub omitted_at_default: bool,
}

/// A condition on another parameter's value: `param` is one of `any_of`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct When {
    /// The choice parameter it depends on.
    pub param: &'static str,
    /// The values under which the parameter matters.
    pub any_of: &'static [&'static str],
}

/// A lab's identity and parameter table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LabSpec {
    /// Link value of `lab=`.
    pub id: &'static str,
    /// Name in the navigation, in both languages.
    pub title: Help,
    /// Its parameters, in display and link order.
    pub params: &'static [Param],
    /// One-click settings that reproduce a textbook case (may be empty).
    pub presets: &'static [Preset],
    /// A compare lab names the choice parameter it varies: the page runs one link per
    /// choice, side by side ([`Config::variants`]); the CLI runs the one the link names.
    pub compare: Option<&'static str>,
    /// A live lab needs no data and finishes at once: the page runs it on every edit.
    pub live: bool,
    /// The few settings an embedded lab shows up front; the rest wait behind "More
    /// settings" (empty: the first three).
    pub essentials: &'static [&'static str],
}

impl LabSpec {
    /// A lab with these parameters and no presets, compare key or live runs.
    pub const fn new(id: &'static str, title: Help, params: &'static [Param]) -> LabSpec {
        LabSpec {
            id,
            title,
            params,
            presets: &[],
            compare: None,
            live: false,
            essentials: &[],
        }
    }
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

/// An enum whose variants are the choices of a `Choice` parameter, each with its link
/// name; [`choice_enum!`](crate::choice_enum) declares one, so the table's list of choices
/// and the enum cannot drift apart.
pub trait Choice: Copy + Sized + 'static {
    /// The link names, in declaration order (use as the parameter's `choices`).
    const NAMES: &'static [&'static str];
    /// The variant with link name `name`.
    fn from_name(name: &str) -> Option<Self>;
    /// The link name.
    fn name(self) -> &'static str;
}

/// Declares a [`Choice`] enum: `choice_enum! { pub enum Fill { Nearest = "nearest", … } }`.
#[macro_export]
macro_rules! choice_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident {
        $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// The link names, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The link name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl $crate::schema::Choice for $name {
            const NAMES: &'static [&'static str] = $name::NAMES;
            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
            fn name(self) -> &'static str {
                $name::name(self)
            }
        }
    };
}

/// A lab's typed configuration, made once from checked values (the step linfa calls
/// `ParamGuard`): after it, a lab reads fields, never names.
pub trait FromConfig: Sized {
    /// Reads every field from `config` (already range-checked against the lab's table).
    fn from_config(config: &Config) -> Self;
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
/// Text from a link or file as a message may quote it: at most 40 characters, a longer
/// one cut with its length named, so a hostile link cannot make a message huge.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let n = text.chars().count();
    if n <= MAX {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX - 8).collect();
    format!("{head}… ({n} characters)")
}

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
    /// A parameter that always has an effect and starts a new run when it changes.
    pub const fn new(name: &'static str, kind: Kind, help: Help) -> Param {
        Param {
            name,
            kind,
            help,
            view: false,
            active_when: None,
            omitted_at_default: false,
        }
    }

    /// The same parameter, marked as changing only the views of a finished run.
    pub const fn view_only(self) -> Param {
        Param { view: true, ..self }
    }

    /// The same parameter, in effect only while `param` is one of `any_of`.
    pub const fn active_when(self, param: &'static str, any_of: &'static [&'static str]) -> Param {
        Param {
            active_when: Some(When { param, any_of }),
            ..self
        }
    }

    /// The same parameter, left out of canonical links while at its default (one added
    /// to a lab after links to it were shared).
    pub const fn omitted_at_default(self) -> Param {
        Param {
            omitted_at_default: true,
            ..self
        }
    }

    /// The same parameter with other help text.
    pub const fn with_help(self, help: Help) -> Param {
        Param { help, ..self }
    }

    /// The same whole-number parameter with another default and maximum (the minimum
    /// stays): a shared parameter a lab needs in a different range.
    pub const fn int_default_up_to(self, default: i64, max: i64) -> Param {
        let Kind::Int { min, .. } = self.kind else {
            panic!("int_default_up_to on a parameter that is not a whole number");
        };
        assert!(min <= default && default <= max, "default out of range");
        Param {
            kind: Kind::Int { min, max, default },
            ..self
        }
    }

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
            let raw = excerpt(raw);
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
                    let item = excerpt(item);
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

    fn missing(&self, kind: &str, name: &str) -> ! {
        // Only a lab reading a name its own table lacks gets here: a bug, caught by the
        // tests that build every lab from its defaults.
        panic!("{}: no {kind} parameter {name}", self.lab.id)
    }

    /// An `Int` parameter.
    pub fn int(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(Value::Int(v)) => *v,
            _ => self.missing("int", name),
        }
    }

    /// An `Int` parameter whose range starts at 0 or above, as a count.
    pub fn count(&self, name: &str) -> usize {
        usize::try_from(self.int(name)).unwrap_or_else(|_| self.missing("count", name))
    }

    /// A `Float` parameter.
    pub fn float(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(Value::Float(v)) => *v,
            _ => self.missing("float", name),
        }
    }

    /// A `Choice` parameter as its link name.
    pub fn choice_name(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(Value::Choice(v)) => v,
            _ => self.missing("choice", name),
        }
    }

    /// A `Choice` parameter as its enum.
    pub fn choice<T: Choice>(&self, name: &str) -> T {
        T::from_name(self.choice_name(name)).unwrap_or_else(|| self.missing("choice", name))
    }

    /// An `IntList` parameter.
    pub fn int_list(&self, name: &str) -> &[i64] {
        match self.values.get(name) {
            Some(Value::IntList(v)) => v,
            _ => self.missing("int list", name),
        }
    }

    /// A `FloatList` parameter.
    pub fn float_list(&self, name: &str) -> &[f64] {
        match self.values.get(name) {
            Some(Value::FloatList(v)) => v,
            _ => self.missing("float list", name),
        }
    }

    /// The parameters that have no effect with the other values (their `active_when`
    /// fails); the page hides them.
    pub fn inactive(&self) -> Vec<&'static str> {
        self.lab
            .params
            .iter()
            .filter(|p| {
                p.active_when
                    .is_some_and(|w| match self.values.get(w.param) {
                        Some(Value::Choice(v)) => !w.any_of.contains(&v.as_str()),
                        _ => false,
                    })
            })
            .map(|p| p.name)
            .collect()
    }

    /// True when `other` describes the same run: same lab, and every parameter that is
    /// active here and not view-only has the same value. A finished run can then redraw
    /// its views for `other` instead of running again. A compare lab's compared setting
    /// does not count: the page runs all its values anyway.
    pub fn same_run(&self, other: &Config) -> bool {
        let inactive = self.inactive();
        self.lab.id == other.lab.id
            && self
                .lab
                .params
                .iter()
                .filter(|p| !p.view && !inactive.contains(&p.name))
                .filter(|p| Some(p.name) != self.lab.compare)
                .all(|p| self.values.get(p.name) == other.values.get(p.name))
    }

    /// A compare lab's runs: this config once per choice of the compared parameter, in the
    /// table's order (empty for other labs).
    pub fn variants(&self) -> Vec<(&'static str, Config)> {
        let Some(key) = self.lab.compare else {
            return Vec::new();
        };
        let param = self
            .lab
            .params
            .iter()
            .find(|p| p.name == key)
            .expect("a compare lab's key is one of its parameters");
        let Kind::Choice { choices, .. } = param.kind else {
            panic!("{}: compare key {key} is not a choice", self.lab.id);
        };
        choices
            .iter()
            .map(|&c| {
                let mut v = self.clone();
                v.values.insert(key, Value::Choice(c.to_string()));
                (c, v)
            })
            .collect()
    }
}
