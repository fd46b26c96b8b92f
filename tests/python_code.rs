//! "Show as code": every lab's Python script, for its default link and for links that
//! change what the script must say, parses as Python, names its link, and says what the
//! lab runs (layers from the model spec, optimizer, batch, epochs, seed, subset, classes,
//! penalties, transforms, modes, classifier arguments). Where a Python with Keras is at
//! hand (`MLPAD_PYTHON`, or a `python3` that imports TensorFlow), the CNN lab's script is
//! run on the bundled data and must land near the lab's own accuracy.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, datasets_for, mlpad, repo_path};
use mlpad::labs::evaluate::EvaluateConfig;
use mlpad::labs::{cnn, run_to_end, REGISTRY};
use mlpad::link;
use mlpad::nn::LayerSpec;
use mlpad::schema::{Config, FromConfig};
use std::io::Write;
use std::process::{Command, Stdio};

/// Links whose scripts must differ from the defaults' in what they say; every lab has some.
const LINKS: &[&str] = &[
    "#lab=cnn&seed=7&epochs=2&batch_size=64&learning_rate=0.0003&train_size=500&classes=0,1,2",
    "#lab=cnn&dataset=fashion_mnist&seed=3",
    "#lab=gradients&activation=sigmoid&kernel_initializer=random_normal&init_stddev=0.5&batch_norm=on&depth=4&width=16",
    "#lab=gradients&optimizer=adam&learning_rate=0.001&clipnorm=1&kernel_initializer=random_uniform&init_stddev=0.2&dataset=fashion_mnist",
    "#lab=regularization&variant=l1&l1=0.01",
    "#lab=regularization&variant=l2&l2=0.005&units=32",
    "#lab=regularization&variant=l1_l2&l1=0.0001&l2=0.002&seed=9",
    "#lab=augmentation&augment=off&epochs=3",
    "#lab=augmentation&shear_range=20&horizontal_flip=on&vertical_flip=on&fill_mode=constant&cval=0.5&dataset=fashion_mnist",
    "#lab=augmentation&rotation_range=0&width_shift_range=0&height_shift_range=0&zoom_range=0",
    "#lab=metrics&y_true=0,1,2,2,1&y_pred=0,2,2,1,1&y_score=0.1,0.5,0.9,0.3,0.2&average=macro&zero_division=nan",
    "#lab=metrics&y_true=3,3,5&y_pred=3,5,5&pos_label=5&zero_division=1",
    "#lab=metrics&y_true=0,1,1&y_pred=0,1",
    "#lab=evaluate&model=knn&train_size=1000&n_neighbors=5&weights=distance&positive_class=3&threshold=0.6",
    "#lab=evaluate&dataset=fashion_mnist&epochs=2&zero_division=0&positive_class=7",
    "#lab=transfer&task=binary_5_8&mode=fine_tune&steps=30&labels_per_class=3&base_learning_rate=0.00005",
    "#lab=transfer&task=fashion&mode=scratch&seed=5",
    "#lab=transfer&mode=snippet&steps=310",
    "#lab=knn&n_samples=5000&test_size=0.3&random_state=3&n_neighbors=7&weights=distance&metric=manhattan",
    "#lab=gan&g_learning_rate=0.0001&g_beta_1=0.9&d_learning_rate=0.0001&d_beta_1=0.9&activation=relu&batch_size=1&freeze_discriminator=off&train_generator=off&steps=100",
    "#lab=gan&classes=3,8&label_smoothing=0.1&d_steps=3&dataset=fashion_mnist&latent_dim=64&hidden=256",
];

/// The script of a valid link.
fn code(link: &str) -> String {
    REGISTRY
        .python(link)
        .unwrap_or_else(|e| panic!("{link}: {e}"))
}

/// Every link the tests check: each lab's default, each value of a compare lab's compared
/// setting, and [`LINKS`].
fn all_links() -> Vec<String> {
    let mut links = Vec::new();
    for spec in REGISTRY.specs() {
        let defaults = Config::defaults(spec);
        links.push(format!("#{}", link::canonical(&defaults)));
        for (_, variant) in defaults.variants() {
            links.push(format!("#{}", link::canonical(&variant)));
        }
    }
    links.extend(LINKS.iter().map(|l| l.to_string()));
    links
}

/// `python3` when it runs, else `None` (the parse check is then skipped, saying so).
fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some("python3")
}

/// Python's verdict on `code` as a module: `Ok` or the syntax error.
fn parse_python(python: &str, code: &str) -> Result<(), String> {
    let mut child = Command::new(python)
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(code.as_bytes())
        .expect("code written");
    let out = child.wait_with_output().expect("python3 ends");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn every_lab_is_covered_by_a_non_default_link() {
    for spec in REGISTRY.specs() {
        let prefix = format!("#lab={}&", spec.id);
        assert!(
            LINKS.iter().any(|l| l.starts_with(&prefix)),
            "add a link of lab {} to LINKS",
            spec.id
        );
    }
}

#[test]
fn every_script_parses_as_python() {
    let Some(python) = python3() else {
        println!("skipped: python3 is not installed");
        return;
    };
    for link in all_links() {
        let code = code(&link);
        if let Err(e) = parse_python(python, &code) {
            panic!("{link}: not Python:\n{e}\n{code}");
        }
    }
}

#[test]
fn every_script_names_its_canonical_link_and_ends_printing_results() {
    for link in all_links() {
        let code = code(&link);
        let canonical = link::canonical(&config(&link));
        let first = code.lines().next().unwrap_or_default();
        assert_eq!(first, format!("# mlpad: #{canonical}"), "{link}");
        let last = code.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(
            last.trim_start().starts_with("print(") || last.starts_with("# print("),
            "{link}: ends with {last}"
        );
        assert!(code.ends_with('\n'), "{link}");
        assert!(!code.contains('\t'), "{link}: tabs");
        // A link's script is the same whichever way the link is written.
        assert_eq!(
            code,
            REGISTRY.python(&format!("#{canonical}")).unwrap(),
            "{link}"
        );
    }
}

/// Keras layer calls of a script, in order: class name and the text of their arguments.
fn layer_calls(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("layers.") {
        rest = &rest[i + "layers.".len()..];
        let Some(open) = rest.find('(') else { break };
        let class = &rest[..open];
        if !class.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        // Arguments up to the matching parenthesis.
        let mut depth = 0;
        let mut end = open;
        for (j, c) in rest[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((class.to_string(), rest[open + 1..end].to_string()));
    }
    out
}

/// What a layer spec must look like in Keras: class and leading positional arguments.
fn expected_call(spec: &LayerSpec) -> (&'static str, String) {
    match spec {
        LayerSpec::Conv2D {
            filters,
            kernel_size,
            ..
        } => ("Conv2D", format!("{filters}, {}", kernel_size.0)),
        LayerSpec::MaxPooling2D { pool_size } => ("MaxPooling2D", pool_size.to_string()),
        LayerSpec::Flatten => ("Flatten", String::new()),
        LayerSpec::Dropout { rate } => ("Dropout", rate.to_string()),
        LayerSpec::BatchNormalization => ("BatchNormalization", String::new()),
        LayerSpec::Dense { units, .. } => ("Dense", units.to_string()),
    }
}

#[test]
fn the_cnn_script_is_the_lab_s_model_data_and_training() {
    let link =
        "#lab=cnn&seed=7&epochs=2&batch_size=64&learning_rate=0.0003&train_size=500&classes=0,1,2";
    let code = code(link);
    let calls = layer_calls(&code);
    let spec = cnn::model_spec(10);
    assert_eq!(calls.len(), spec.len(), "{code}");
    for ((class, args), spec) in calls.iter().zip(&spec) {
        let (want_class, want_args) = expected_call(spec);
        assert_eq!(class, want_class);
        assert!(args.starts_with(&want_args), "{class}({args}) for {spec:?}");
        if let LayerSpec::Conv2D { activation, .. } | LayerSpec::Dense { activation, .. } = spec {
            let name = serde_json::to_value(activation).unwrap();
            let name = name.as_str().unwrap();
            assert!(
                args.contains(&format!("activation=\"{name}\"")),
                "{class}({args})"
            );
        }
        // glorot_uniform and zero biases are Keras' defaults too: nothing to say.
        assert!(!args.contains("initializer"), "{class}({args})");
    }
    for needle in [
        "keras.utils.set_random_seed(7)",
        "keras.optimizers.Adam(learning_rate=0.0003)",
        "batch_size=64",
        "epochs=2",
        "x_train[:500], y_train[:500]",
        "classes = [0, 1, 2]",
        "load(\"mnist\")",
        "loss=\"sparse_categorical_crossentropy\"",
        "print(f\"test_accuracy:",
    ] {
        assert!(code.contains(needle), "{link}: no {needle}\n{code}");
    }
    // Links without classes keep every class: no filter at all.
    let plain = self::code("#lab=cnn&dataset=fashion_mnist");
    assert!(!plain.contains("np.isin"));
    assert!(plain.contains("load(\"fashion_mnist\")"));
    assert!(plain.contains("Zalando"), "says Keras' copy differs");
}

#[test]
fn the_gradients_script_builds_the_lab_s_deep_mlp() {
    let code = code("#lab=gradients&activation=sigmoid&kernel_initializer=random_normal&init_stddev=0.5&batch_norm=on&depth=4&width=16");
    assert!(code.contains("for _ in range(4):"), "{code}");
    assert!(code.contains(
        "    model.add(layers.Dense(16, activation=\"sigmoid\", \
         kernel_initializer=keras.initializers.RandomNormal(stddev=0.5)))\n    \
         model.add(layers.BatchNormalization())\n"
    ));
    assert!(code.contains(
        "model.add(layers.Dense(10, activation=\"softmax\", \
         kernel_initializer=keras.initializers.RandomNormal(stddev=0.5)))"
    ));
    assert!(code.contains("keras.optimizers.SGD(learning_rate=0.1)"));
    assert!(code.contains("keras.Input((784,))"));
    let adam = self::code("#lab=gradients&optimizer=adam&learning_rate=0.001&clipnorm=1&kernel_initializer=random_uniform&init_stddev=0.2");
    assert!(adam.contains("keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0)"));
    assert!(adam.contains("kernel_initializer=keras.initializers.RandomUniform(-0.2, 0.2)"));
    assert!(!adam.contains("layers.BatchNormalization()"));
    assert!(self::code("#lab=gradients").contains("kernel_initializer=\"he_normal\""));
}

#[test]
fn the_regularization_script_puts_the_variant_s_penalty_on_the_first_kernel() {
    for (link, penalty) in [
        (
            "#lab=regularization&variant=l1&l1=0.01",
            Some("keras.regularizers.L1(0.01)"),
        ),
        (
            "#lab=regularization&variant=l2&l2=0.005",
            Some("keras.regularizers.L2(0.005)"),
        ),
        (
            "#lab=regularization&variant=l1_l2&l1=0.0001&l2=0.002",
            Some("keras.regularizers.L1L2(l1=0.0001, l2=0.002)"),
        ),
        ("#lab=regularization&variant=none", None),
    ] {
        let code = code(link);
        let calls = layer_calls(&code);
        assert_eq!(calls.len(), 2, "{link}");
        match penalty {
            Some(p) => assert!(
                calls[0].1.ends_with(&format!("kernel_regularizer={p}")),
                "{link}: {:?}",
                calls[0]
            ),
            None => assert!(!code.contains("kernel_regularizer"), "{link}"),
        }
        assert!(!calls[1].1.contains("regularizer"), "only the first layer");
        assert!(
            code.contains("epochs=30") && code.contains("x_train[:1000]"),
            "{link}"
        );
        assert!(code.contains("near_zero"), "{link}");
    }
}

#[test]
fn the_augmentation_script_transforms_only_when_the_link_says() {
    let on = code("#lab=augmentation");
    for layer in [
        "layers.RandomRotation(15.0 / 360, fill_mode=\"nearest\")",
        "layers.RandomTranslation(0.1, 0.1, fill_mode=\"nearest\")",
        "layers.RandomZoom(0.1, 0.1, fill_mode=\"nearest\")",
        // The fixed perturbed test copy, from its own seed.
        "layers.RandomRotation(20.0 / 360, fill_mode=\"nearest\", seed=12345)",
    ] {
        assert!(on.contains(layer), "no {layer}\n{on}");
    }
    assert!(
        on.contains("        augment,\n"),
        "the transforms are in the model"
    );
    let off = code("#lab=augmentation&augment=off");
    assert!(!off.contains("augment = keras.Sequential"));
    assert!(off.contains("shifted_accuracy"));
    let all = code("#lab=augmentation&shear_range=20&horizontal_flip=on&vertical_flip=on&fill_mode=constant&cval=0.5");
    assert!(all.contains("layers.RandomFlip(\"horizontal_and_vertical\")"));
    assert!(all.contains("RandomShear(x_factor=np.sin(np.radians(20.0))"));
    assert!(all.contains("fill_mode=\"constant\", fill_value=0.5"));
    // The network is the lab's.
    let calls: Vec<(String, String)> = layer_calls(&off)
        .into_iter()
        .filter(|(c, _)| !c.starts_with("Random"))
        .collect();
    let spec = mlpad::labs::augmentation::model_spec(10);
    assert_eq!(calls.len(), spec.len());
    for ((class, args), spec) in calls.iter().zip(&spec) {
        let (want_class, want_args) = expected_call(spec);
        assert_eq!(
            (class.as_str(), true),
            (want_class, args.starts_with(&want_args))
        );
    }
}

#[test]
fn the_knn_script_is_scikit_learn_with_the_link_s_arguments() {
    let code = code("#lab=knn&n_samples=5000&test_size=0.3&random_state=3&n_neighbors=7&weights=distance&metric=manhattan");
    for needle in [
        "KNeighborsClassifier(n_neighbors=7, weights=\"distance\", metric=\"manhattan\")",
        "train_test_split(\n    X, y, test_size=0.3, random_state=3\n)",
        "X = x[:5000]",
        "astype(np.float32) / 255",
        "for k in range(1, 16):",
    ] {
        assert!(code.contains(needle), "no {needle}\n{code}");
    }
    assert!(
        !code.contains("import keras\n"),
        "Keras only downloads the data"
    );
    let default = self::code("#lab=knn");
    assert!(default.contains(
        "KNeighborsClassifier(n_neighbors=3, weights=\"uniform\", metric=\"euclidean\")"
    ));
}

#[test]
fn the_evaluate_script_trains_what_the_lab_trains_and_scores_the_view() {
    let knn = code("#lab=evaluate&model=knn&train_size=1000&n_neighbors=5&weights=distance&positive_class=3&threshold=0.6&zero_division=1");
    for needle in [
        "KNeighborsClassifier(n_neighbors=5, weights=\"distance\", metric=\"euclidean\")",
        "x_train[:1000]",
        "(y_test == 3)",
        "proba[:, 3]",
        "scores >= 0.6",
        "zero_division=1",
        "x_train[:500]",
    ] {
        assert!(knn.contains(needle), "no {needle}\n{knn}");
    }
    // The CNN is trained by the CNN lab's own lines.
    let link = "#lab=evaluate&dataset=fashion_mnist&epochs=2&seed=11";
    let evaluate = code(link);
    let c = EvaluateConfig::from_config(&config(link));
    assert!(evaluate.contains(&cnn::keras_training(&c.cnn)));
    assert!(evaluate.contains(&c.cnn_link));
}

#[test]
fn the_transfer_script_follows_the_mode() {
    for task in ["digits_5_9", "fashion", "binary_5_8"] {
        for mode in ["frozen", "fine_tune", "scratch", "snippet"] {
            let link = format!("#lab=transfer&task={task}&mode={mode}&base_learning_rate=0.00005");
            let code = code(&link);
            let loads = code.contains("set_weights(base, weights)");
            assert_eq!(loads, mode != "scratch", "{link}");
            assert_eq!(
                code.contains("base.trainable = False"),
                mode == "frozen",
                "{link}"
            );
            assert_eq!(
                code.contains("base_learning_rate=5e-5"),
                mode == "fine_tune",
                "{link}"
            );
            let base = if task == "fashion" {
                "cnn_mnist"
            } else {
                "cnn_digits_0_4"
            };
            assert_eq!(
                code.contains(&format!("pretrained_weights(\"{base}\")")),
                mode != "scratch",
                "{link}"
            );
            let binary = task == "binary_5_8";
            assert_eq!(
                code.contains("layers.Dense(1, activation=\"sigmoid\")"),
                binary,
                "{link}"
            );
            assert_eq!(code.contains("\"binary_crossentropy\""), binary, "{link}");
            // 300 steps, scored every 25 as the lab charts them.
            assert!(
                code.contains("steps_per_epoch=25,\n    epochs=12,"),
                "{link}"
            );
            // The base is the CNN lab's first six layers.
            let calls = layer_calls(&code);
            let base_calls: Vec<_> = calls
                .iter()
                .skip_while(|(c, _)| c != "Conv2D")
                .take(6)
                .collect();
            for ((class, args), spec) in base_calls.iter().zip(&cnn::model_spec(10)[..6]) {
                let (want_class, want_args) = expected_call(spec);
                assert_eq!(class, want_class, "{link}");
                assert!(args.starts_with(&want_args), "{link}");
            }
        }
    }
    let odd = code("#lab=transfer&mode=snippet&steps=310");
    assert!(odd.contains("steps_per_epoch=310, epochs=1"));
}

#[test]
fn the_gan_script_has_the_link_s_networks_and_the_snippet_s_bugs_when_asked() {
    let fixed = code("#lab=gan");
    assert!(fixed.contains("keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5)"));
    assert!(fixed.contains("discriminator.trainable = False"));
    assert!(!fixed.contains("generator.trainable = False"));
    assert!(fixed.contains("layers.Dense(128, activation=\"leaky_relu\")"));
    assert!(fixed.contains("layers.Dense(1, activation=\"sigmoid\")"));
    assert!(fixed.contains("for step in range(1, 40001):"));
    assert!(fixed.contains("pretrained_weights(\"cnn_mnist\")"));
    let snippet = code("#lab=gan&g_learning_rate=0.0001&g_beta_1=0.9&d_learning_rate=0.0001&d_beta_1=0.9&activation=relu&batch_size=1&freeze_discriminator=off&train_generator=off&steps=100");
    assert!(snippet.contains("keras.optimizers.Adam(learning_rate=0.0001)"));
    assert!(!snippet.contains("discriminator.trainable = False"));
    assert!(snippet.contains("generator.trainable = False"));
    assert!(snippet.contains("np.random.normal(size=(1, 100))"));
    let other = code("#lab=gan&classes=3,8&label_smoothing=0.1&d_steps=3&dataset=fashion_mnist&latent_dim=64&hidden=256");
    for needle in [
        "np.isin(y_train, [3, 8])",
        "np.full((64, 1), 0.9)",
        "for _ in range(3):",
        "keras.Input((64,))",
        "layers.Dense(256, activation=\"leaky_relu\")",
        "pretrained_weights(\"cnn_fashion_mnist\")",
        "load(\"fashion_mnist\")",
    ] {
        assert!(other.contains(needle), "no {needle}\n{other}");
    }
}

#[test]
fn the_metrics_script_lists_the_link_s_values_and_skips_what_scikit_learn_refuses() {
    let code = code("#lab=metrics&y_true=0,1,2,2,1&y_pred=0,2,2,1,1&y_score=0.1,0.5,0.9,0.3,0.2&average=macro&zero_division=nan");
    for needle in [
        "y_true = [0, 1, 2, 2, 1]",
        "y_pred = [0, 2, 2, 1, 1]",
        "y_score = [0.1, 0.5, 0.9, 0.3, 0.2]",
        "precision_score(y_true, y_pred, average=\"macro\", zero_division=np.nan)",
        "import numpy as np",
        // Three classes: the page leaves ROC AUC out, the script says why.
        "# print(\"roc_auc:\", roc_auc_score(y_true, y_score))",
    ] {
        assert!(code.contains(needle), "no {needle}\n{code}");
    }
    let binary = self::code("#lab=metrics&y_true=3,3,5&y_pred=3,5,5&pos_label=5");
    assert!(binary.contains("average=\"binary\", pos_label=5"));
    assert!(binary.contains("y_score = y_pred"));
    assert!(binary.contains("\nprint(\"roc_auc:\""));
}

#[test]
fn a_bad_link_is_an_error_naming_the_key() {
    let e = REGISTRY.python("#lab=cnn&epochs=abc").unwrap_err();
    assert!(e.contains("epochs"), "{e}");
}

#[test]
fn the_cli_prints_the_script_and_exits_2_on_a_bad_link() {
    let link = "#lab=knn&n_neighbors=7";
    let out = mlpad(&["code", link]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), code(link));
    let bad = mlpad(&["code", "#lab=knn&n_neighbors=99"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("n_neighbors"));
    assert_eq!(mlpad(&["code"]).status.code(), Some(2));
}

/// An interpreter that imports Keras, with the environment it needs: `MLPAD_PYTHON` with
/// any backend (its own setting, else JAX, PyTorch or TensorFlow, whichever imports), or a
/// `python3` that imports TensorFlow (Keras' default backend).
fn keras_python() -> Option<(String, Option<&'static str>)> {
    let imports = |python: &str, backend: Option<&str>, module: &str| {
        let mut cmd = Command::new(python);
        cmd.args(["-c", &format!("import {module}")]);
        if let Some(b) = backend {
            cmd.env("KERAS_BACKEND", b);
        }
        cmd.output().is_ok_and(|o| o.status.success())
    };
    if let Ok(python) = std::env::var("MLPAD_PYTHON") {
        let own = std::env::var_os("KERAS_BACKEND").is_some();
        let backends: &[Option<&'static str>] = if own {
            &[None]
        } else {
            &[None, Some("jax"), Some("torch"), Some("tensorflow")]
        };
        for &b in backends {
            if imports(&python, b, "keras") {
                return Some((python, b));
            }
        }
    }
    imports("python3", None, "tensorflow, keras").then(|| ("python3".to_string(), None))
}

#[test]
fn the_cnn_script_runs_and_lands_near_the_lab_s_accuracy() {
    let Some((python, backend)) = keras_python() else {
        println!("skipped: no Python with Keras (set MLPAD_PYTHON to one)");
        return;
    };
    let link = "#lab=cnn&seed=3&epochs=1&train_size=2000";
    let path = std::env::temp_dir().join(format!("mlpad_cnn_{}.py", std::process::id()));
    std::fs::write(&path, code(link)).unwrap();
    let mut cmd = Command::new(&python);
    // The bundled files: no download, and exactly the lab's images.
    cmd.arg(&path).env("MLPAD_DATA", repo_path("www/data"));
    if let Some(b) = backend {
        cmd.env("KERAS_BACKEND", b);
    }
    let out = cmd.output().expect("python runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keras: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("test_accuracy: "))
        .unwrap_or_else(|| panic!("no accuracy printed:\n{stdout}"))
        .trim()
        .parse()
        .unwrap();
    let c = config(link);
    let (_, summary) = run_to_end(&c, &datasets_for(&c), 64).unwrap();
    let ours = summary.metrics["test_accuracy"];
    println!("test accuracy: Keras {keras:.4}, mlpad {ours:.4}");
    // Other random draws, same recipe: within a few points of each other.
    assert!((keras - ours).abs() < 0.1, "Keras {keras} vs mlpad {ours}");
}
