//! Links: the URL hash `#lab=cnn&v=1&seed=42&epochs=1&…` <-> a checked lab configuration.
//!
//! Parsing never fails as a whole: each bad key (unknown, malformed, out of range) gives
//! an error naming the key and what is allowed, and that key keeps its default, so the
//! page keeps working. The canonical form lists `lab`, `v`, then every parameter in the
//! lab's table order. The parser knows no lab: it reads the tables of a [`Catalog`]
//! (`labs::REGISTRY`), which also rewrites links written for an older layout.

use crate::schema::{Config, LabSpec, Text};
use serde::Serialize;

/// The link format version this build writes and reads.
pub const VERSION: u32 = 1;

/// A problem with one key of a link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkError {
    /// The key it concerns.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The same in Simplified Chinese.
    pub message_zh: String,
}

/// What link parsing needs to know about the labs.
pub trait Catalog {
    /// Every lab's table, in navigation order; the first is the default lab.
    fn specs(&self) -> Vec<&'static LabSpec>;
    /// Rewrites the key-value pairs of a link written for an older layout of the labs,
    /// and says in a note what changed (nothing by default).
    fn migrate(&self, _pairs: &mut Vec<(String, String)>) -> Vec<Text> {
        Vec::new()
    }
}

/// One run of a compare lab: the choice it stands for and its canonical link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    /// The compared parameter's value.
    pub value: &'static str,
    /// The canonical link (without `#`) of that run.
    pub link: String,
}

/// A parsed link: the configuration to run and what was wrong with the link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parsed {
    /// Lab id.
    pub lab: &'static str,
    /// Checked values (defaults where the link was silent or wrong).
    pub config: Config,
    /// One entry per rejected key, in link order.
    pub errors: Vec<LinkError>,
    /// What an older link's migration changed (shown once, not an error).
    pub notes: Vec<Text>,
    /// The canonical link (without `#`) for `config`.
    pub canonical: String,
    /// Parameters without effect under the other values ([`Config::inactive`]).
    pub inactive: Vec<&'static str>,
    /// A compare lab's runs, one per choice of its compared parameter.
    pub variants: Vec<Variant>,
}

/// The part of `link` after `#` (or the whole string if it has no `#`), without a `?query`.
fn hash_part(link: &str) -> &str {
    match link.find('#') {
        Some(i) => &link[i + 1..],
        None if link.contains("://") => "",
        None => link.trim_start_matches('?'),
    }
}

fn decode(s: &str) -> String {
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses a full URL, a `#hash` or a bare `key=value&…` string against `catalog`.
pub fn parse(link: &str, catalog: &dyn Catalog) -> Parsed {
    let mut pairs: Vec<(String, String)> = hash_part(link.trim())
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();
    let notes = catalog.migrate(&mut pairs);
    let specs = catalog.specs();
    let mut errors = Vec::new();
    let mut err = |key: &str, en: String, zh: String| {
        errors.push(LinkError {
            key: crate::schema::excerpt(key),
            message: en,
            message_zh: zh,
        })
    };

    let mut lab: &'static LabSpec = specs[0];
    // Messages quote what the link holds, cut to an excerpt.
    let short = crate::schema::excerpt;
    // The first `lab=` counts, like every other repeated key.
    if let Some((_, id)) = pairs.iter().find(|(k, _)| k == "lab") {
        match specs.iter().find(|l| l.id == id) {
            Some(l) => lab = l,
            None => {
                let id = short(id);
                let ids: Vec<&str> = specs.iter().map(|l| l.id).collect();
                err(
                    "lab",
                    format!(
                        "lab={id} is not a known lab: allowed is one of {}; showing the {} lab",
                        ids.join(", "),
                        lab.id
                    ),
                    format!(
                        "lab={id} 不是已知的实验：可选 {}；现在显示 {} 实验",
                        ids.join("、"),
                        lab.id
                    ),
                );
            }
        }
    }
    let mut config = Config::defaults(lab);
    let mut seen = std::collections::BTreeSet::new();
    for (key, raw) in &pairs {
        let shown = short(key);
        if seen.contains(key.as_str()) {
            err(
                key,
                format!("{shown} appears more than once; the first value is used"),
                format!("{shown} 出现了多次，使用第一个值"),
            );
            continue;
        }
        seen.insert(key.as_str());
        match key.as_str() {
            "lab" => {}
            "v" => {
                if raw.parse::<u32>().ok() != Some(VERSION) {
                    let raw = short(raw);
                    err(
                        key,
                        format!("v={raw} is not a link version this page understands (it reads v={VERSION}); values are read as v={VERSION}"),
                        format!("v={raw} 不是本页面能读取的链接版本（本页读取 v={VERSION}），按 v={VERSION} 读取"),
                    );
                }
            }
            _ => match lab.params.iter().find(|p| p.name == key) {
                Some(p) => match p.parse(raw) {
                    Ok(v) => {
                        config.values.insert(p.name, v);
                    }
                    Err(m) => {
                        let d = p.default_value().to_string();
                        let (d, d_zh) = if d.is_empty() {
                            ("(empty)".to_string(), "（空）".to_string())
                        } else {
                            (d.clone(), format!(" {d}"))
                        };
                        err(
                            key,
                            format!("{}; using the default {d}", m.en),
                            format!("{}；改用默认值{d_zh}", m.zh),
                        )
                    }
                },
                None => {
                    let names: Vec<&str> = lab.params.iter().map(|p| p.name).collect();
                    err(
                        key,
                        format!("{shown} is not a setting of the {} lab (its settings are {}); it was ignored", lab.id, names.join(", ")),
                        format!("{shown} 不是 {} 实验的设置（可用设置：{}），已忽略", lab.id, names.join("、")),
                    );
                }
            },
        }
    }
    // A hostile link can hold thousands of bad keys: name the first few and count the rest.
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - (MAX_ERRORS - 1);
        errors.truncate(MAX_ERRORS - 1);
        errors.push(LinkError {
            key: String::new(),
            message: format!("… and {more} more problems in this link"),
            message_zh: format!("……这个链接还有 {more} 处问题"),
        });
    }
    Parsed {
        lab: lab.id,
        canonical: canonical(&config),
        inactive: config.inactive(),
        variants: config
            .variants()
            .into_iter()
            .map(|(value, c)| Variant {
                value,
                link: canonical(&c),
            })
            .collect(),
        config,
        errors,
        notes,
    }
}

/// The most problems one link reports (the last one counts the others).
pub const MAX_ERRORS: usize = 12;

/// Parses a link and fails with every message joined if any key was rejected (the CLI).
pub fn parse_strict(link: &str, catalog: &dyn Catalog) -> Result<Parsed, String> {
    let p = parse(link, catalog);
    if p.errors.is_empty() {
        Ok(p)
    } else {
        Err(p
            .errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// The canonical `lab=…&v=…&key=value…` string of a configuration.
pub fn canonical(config: &Config) -> String {
    let mut s = format!("lab={}&v={VERSION}", config.lab.id);
    for p in config.lab.params {
        let v = &config.values[p.name];
        if p.omitted_at_default && *v == p.default_value() {
            continue;
        }
        let enc = percent_encoding::utf8_percent_encode(
            &v.to_string(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        // Keep `.` and `-` readable in numbers and `,` in lists.
        let enc = enc
            .replace("%2C", ",")
            .replace("%2E", ".")
            .replace("%2D", "-")
            .replace("%5F", "_");
        s.push_str(&format!("&{}={enc}", p.name));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Help, Kind, Param, Value};

    const HELP: Help = Help { en: "", zh: "" };
    static TRAIN: LabSpec = LabSpec::new(
        "train",
        HELP,
        &[
            Param::new(
                "seed",
                Kind::Int {
                    min: 0,
                    max: 4_294_967_295,
                    default: 42,
                },
                HELP,
            ),
            Param::new(
                "epochs",
                Kind::Int {
                    min: 1,
                    max: 20,
                    default: 1,
                },
                HELP,
            ),
            Param::new(
                "batch_size",
                Kind::Int {
                    min: 1,
                    max: 512,
                    default: 32,
                },
                HELP,
            ),
            Param::new(
                "learning_rate",
                Kind::Float {
                    min: 1e-5,
                    max: 1.0,
                    default: 0.001,
                    log: true,
                },
                HELP,
            ),
            Param::new(
                "variant",
                Kind::Choice {
                    choices: &["none", "l1"],
                    default: "none",
                },
                HELP,
            ),
        ],
    );
    static COMPARE: LabSpec = LabSpec {
        compare: Some("variant"),
        ..LabSpec::new("compare", HELP, TRAIN.params)
    };
    static LISTS: LabSpec = LabSpec::new(
        "lists",
        HELP,
        &[
            Param::new(
                "y_true",
                Kind::IntList {
                    max_len: 5000,
                    default: "0,1,1,0,1",
                },
                HELP,
            ),
            Param::new(
                "y_pred",
                Kind::IntList {
                    max_len: 5000,
                    default: "0,1,0,1,1",
                },
                HELP,
            ),
            Param::new(
                "y_score",
                Kind::FloatList {
                    max_len: 5000,
                    default: "",
                },
                HELP,
            ),
            Param::new(
                "pos_label",
                Kind::Int {
                    min: -9,
                    max: 9,
                    default: 1,
                },
                HELP,
            ),
        ],
    );

    /// `train` after a parameter was added to it, which links leave out at its default.
    static GROWN: LabSpec = LabSpec::new(
        "grown",
        HELP,
        &[
            TRAIN.param("seed"),
            Param::new(
                "classes",
                Kind::IntList {
                    max_len: 10,
                    default: "",
                },
                HELP,
            )
            .omitted_at_default(),
        ],
    );

    /// Four labs; a link to the retired lab `old` opens `lists` and says so.
    struct Labs;
    impl Catalog for Labs {
        fn specs(&self) -> Vec<&'static LabSpec> {
            vec![&TRAIN, &COMPARE, &LISTS, &GROWN]
        }
        fn migrate(&self, pairs: &mut Vec<(String, String)>) -> Vec<Text> {
            let mut notes = Vec::new();
            for (k, v) in pairs.iter_mut() {
                if k == "lab" && v == "old" {
                    *v = "lists".into();
                    notes.push(Text {
                        en: "moved".into(),
                        zh: "已移动".into(),
                    });
                }
            }
            notes
        }
    }

    fn parse(link: &str) -> Parsed {
        super::parse(link, &Labs)
    }

    crate::both_targets_test! {
        fn good_link_round_trips() {
            let p = parse("#lab=train&seed=42&epochs=1&batch_size=32&learning_rate=0.001");
            assert!(p.errors.is_empty(), "{:?}", p.errors);
            assert_eq!(p.config.values["epochs"], Value::Int(1));
            assert_eq!(p.config.values["learning_rate"], Value::Float(0.001));
            let again = parse(&format!("http://127.0.0.1:8080/index.html?lang=zh#{}", p.canonical));
            assert_eq!(again.config, p.config);
            assert!(again.errors.is_empty());
            assert_eq!(p.canonical, "lab=train&v=1&seed=42&epochs=1&batch_size=32&learning_rate=0.001&variant=none");
            assert!(p.variants.is_empty() && p.notes.is_empty());
        }
    }

    crate::both_targets_test! {
        fn bad_keys_fall_back_and_are_named() {
            let p = parse("#lab=train&epochs=999&batch_size=abc&bogus=1&learning_rate=nan&seed=-1");
            let keys: Vec<&str> = p.errors.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["epochs", "batch_size", "bogus", "learning_rate", "seed"]);
            assert!(p.errors[0].message.contains("from 1 to"), "{}", p.errors[0].message);
            assert!(p.errors[0].message_zh.contains("超出范围"), "{}", p.errors[0].message_zh);
            assert!(p.errors[1].message_zh.contains("不是整数"));
            assert_eq!(p.config, Config::defaults(&TRAIN));
            let e = parse_strict("#lab=train&epochs=0", &Labs).unwrap_err();
            assert!(e.contains("epochs=0 is out of range"), "{e}");
        }
    }

    crate::both_targets_test! {
        fn unknown_lab_version_and_duplicates() {
            let p = parse("#lab=nope&v=9&epochs=2&epochs=3");
            let keys: Vec<&str> = p.errors.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["lab", "v", "epochs"]);
            assert_eq!(p.lab, "train");
            assert_eq!(p.config.values["epochs"], Value::Int(2));
            assert!(parse("").errors.is_empty());
            assert!(parse("http://x/y").errors.is_empty());
            // A repeated lab key: the first value is used, as the message says.
            let p = parse("#lab=lists&lab=train");
            assert_eq!(p.lab, "lists");
            assert!(p.errors[0].message.contains("the first value is used"));
        }
    }

    crate::both_targets_test! {
        fn a_catalog_migrates_old_links_with_a_note() {
            let p = parse("#lab=old&y_true=1,0");
            assert_eq!(p.lab, "lists");
            assert!(p.errors.is_empty(), "{:?}", p.errors);
            assert_eq!(p.notes.len(), 1);
            assert_eq!(p.config.int_list("y_true"), [1, 0]);
        }
    }

    crate::both_targets_test! {
        fn compare_labs_list_one_link_per_choice() {
            let p = parse("#lab=compare&variant=l1&epochs=3");
            let links: Vec<(&str, &str)> = p.variants.iter().map(|v| (v.value, v.link.as_str())).collect();
            assert_eq!(links, [
                ("none", "lab=compare&v=1&seed=42&epochs=3&batch_size=32&learning_rate=0.001&variant=none"),
                ("l1", "lab=compare&v=1&seed=42&epochs=3&batch_size=32&learning_rate=0.001&variant=l1"),
            ]);
        }
    }

    crate::both_targets_test! {
        fn list_values_parse_and_round_trip() {
            let p = parse("#lab=lists&y_true=0,1,1,0,1&y_pred=0,%201,0,1,-1&y_score=0.1,0.9,2e-3,0.35,1");
            assert!(p.errors.is_empty(), "{:?}", p.errors);
            assert_eq!(p.config.int_list("y_pred"), [0, 1, 0, 1, -1]);
            assert_eq!(p.config.float_list("y_score"), [0.1, 0.9, 0.002, 0.35, 1.0]);
            assert!(
                p.canonical.contains("&y_true=0,1,1,0,1&y_pred=0,1,0,1,-1&y_score=0.1,0.9,0.002,0.35,1&"),
                "{}",
                p.canonical
            );
            let again = parse(&p.canonical);
            assert!(again.errors.is_empty(), "{:?}", again.errors);
            assert_eq!(again.config, p.config);
            assert_eq!(again.canonical, p.canonical);
            // Empty means the empty list; the default of y_score is empty.
            let d = parse("#lab=lists&y_score=");
            assert!(d.errors.is_empty(), "{:?}", d.errors);
            assert_eq!(d.config.float_list("y_score"), [] as [f64; 0]);
            assert_eq!(d.config.int_list("y_true"), [0, 1, 1, 0, 1]);
            assert_eq!(parse(&d.canonical).config, d.config);
        }
    }

    crate::both_targets_test! {
        fn a_parameter_added_later_stays_out_of_links_at_its_default() {
            // A link shared before `classes` existed keeps its exact text.
            assert_eq!(parse("#lab=grown&seed=7").canonical, "lab=grown&v=1&seed=7");
            assert_eq!(parse("#lab=grown&seed=7&classes=").canonical, "lab=grown&v=1&seed=7");
            let set = parse("#lab=grown&seed=7&classes=0,1");
            assert_eq!(set.canonical, "lab=grown&v=1&seed=7&classes=0,1");
            assert_eq!(parse(&set.canonical).config, set.config);
        }
    }

    crate::both_targets_test! {
        fn messages_quote_long_values_and_keys_as_short_excerpts() {
            let huge = "9".repeat(100_000);
            let long_key = "k".repeat(5_000);
            let p = parse(&format!("#lab=lists&y_true={huge}&y_pred=0,{huge}&{long_key}=1&v={huge}&y_true=2"));
            assert_eq!(p.errors.len(), 5, "{:?}", p.errors.iter().map(|e| &e.key).collect::<Vec<_>>());
            for e in &p.errors {
                assert!(e.message.chars().count() < 300, "{} characters: {}", e.message.len(), &e.message[..200]);
                assert!(e.message_zh.chars().count() < 300);
                assert!(e.key.chars().count() <= 60);
            }
            assert!(p.errors[0].message.contains("… (100000 characters)"), "{}", p.errors[0].message);
            // Thousands of bad keys: a dozen messages, the last counting the rest.
            let many = parse(&format!("#lab=lists{}", "&junk=1".repeat(5_000)));
            assert_eq!(many.errors.len(), MAX_ERRORS);
            assert_eq!(many.errors.last().unwrap().message, format!("… and {} more problems in this link", 5_000 - (MAX_ERRORS - 1)));
            let unknown = parse(&format!("#lab={huge}"));
            assert!(unknown.errors[0].message.len() < 300, "{}", unknown.errors[0].message);
        }
    }

    crate::both_targets_test! {
        fn bad_lists_name_the_key_and_the_item() {
            let p = parse("#lab=lists&y_true=0,1,x&y_pred=0,1.5&y_score=0.1,abc&pos_label=1");
            let keys: Vec<&str> = p.errors.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["y_true", "y_pred", "y_score"]);
            let m = &p.errors[0].message;
            assert!(m.starts_with("y_true=0,1,x is not a list of whole numbers (item 3, \"x\", is not a whole number)"), "{m}");
            assert!(m.contains("allowed is up to 5000 whole numbers separated by commas"), "{m}");
            assert!(m.ends_with("using the default 0,1,1,0,1"), "{m}");
            assert!(p.errors[0].message_zh.contains("第 3 项“x”不是整数"), "{}", p.errors[0].message_zh);
            assert!(p.errors[1].message.contains("item 2, \"1.5\", is not a whole number"));
            assert!(p.errors[2].message.contains("item 2, \"abc\", is not a number"), "{}", p.errors[2].message);
            assert!(p.errors[2].message.ends_with("using the default (empty)"), "{}", p.errors[2].message);
            assert!(p.errors[2].message_zh.ends_with("改用默认值（空）"), "{}", p.errors[2].message_zh);
            let inf = parse("#lab=lists&y_score=1,1e999");
            assert!(inf.errors[0].message.contains("item 2, \"1e999\", is not finite"), "{:?}", inf.errors);
            let empty_item = parse("#lab=lists&y_true=0,,1");
            assert!(empty_item.errors[0].message.contains("item 2, \"\", is not a whole number"), "{:?}", empty_item.errors);
            let long = vec!["1"; 5001].join(",");
            let too_long = parse(&format!("#lab=lists&y_true={long}"));
            assert!(too_long.errors[0].message.contains("is too long (5001 items)"));
            assert!(too_long.errors[0].message_zh.contains("太长（5001 项）"));
        }
    }
}
