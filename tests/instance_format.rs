//! The `mentor-match-instance/1` format: clear errors on malformed input,
//! lossless write/read, and the Rust port of `gen.py` reproducing its output
//! byte for byte (checked against Python when `gen.py` and `python3` exist).

mod solver_support;

use std::path::PathBuf;
use std::process::Command;
use twinmatch::matching::r#gen::{GenParams, SplitMix64, generate, sample_distinct};
use twinmatch::matching::instance::{
    Instance, InstanceError, SolveMode, solve_instance, write_instance,
};

const TINY_HEAD: &str = r#""applicants":[{"id":"A0","max_mentors":1,"needs":{"t00":0.5}},{"id":"A1","max_mentors":2}],
"mentors":[{"id":"M0","capacity":1,"expertise":{"t00":1.0}}]"#;

fn parse(format: &str, arcs: &str) -> Result<Instance, InstanceError> {
    Instance::from_json_str(&format!(
        "{{\"format\":\"{format}\",{TINY_HEAD},\"arcs\":[{arcs}]}}"
    ))
}

#[test]
fn a_well_formed_instance_parses_and_solves() {
    let inst = parse("mentor-match-instance/1", "[0,0,7],[1,0,9]").expect("valid");
    let report = solve_instance(&inst, SolveMode::Score).expect("valid");
    assert_eq!((report.objective, report.pairs), (9, 1));
    let pairs = report.pairs_out(&inst);
    assert_eq!(
        (
            pairs[0].applicant.as_str(),
            pairs[0].mentor.as_str(),
            pairs[0].score
        ),
        ("A1", "M0", 9)
    );
    let line = serde_json::to_value(&report).expect("serialisable");
    for key in [
        "objective",
        "pairs",
        "seconds_solve",
        "mode",
        "applicants_matched",
        "arcs",
    ] {
        assert!(line.get(key).is_some(), "missing {key} in {line}");
    }
    assert_eq!(line["mode"], "score");
}

#[test]
fn a_wrong_format_tag_is_rejected_with_a_clear_error() {
    let err = parse("mentor-match-instance/2", "[0,0,7]").expect_err("wrong format");
    assert!(matches!(err, InstanceError::WrongFormat { .. }));
    assert!(err.to_string().contains("mentor-match-instance/2"), "{err}");
}

#[test]
fn an_out_of_range_arc_is_rejected_with_its_position() {
    let err =
        parse("mentor-match-instance/1", "[0,0,7],[1,3,9]").expect_err("mentor 3 does not exist");
    assert!(
        matches!(
            err,
            InstanceError::ArcOutOfRange {
                index: 1,
                mentor: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("arc #1"), "{err}");
}

#[test]
fn malformed_json_and_negative_indices_are_rejected() {
    assert!(matches!(
        parse("mentor-match-instance/1", "[0,0]"),
        Err(InstanceError::Json(_))
    ));
    assert!(matches!(
        parse("mentor-match-instance/1", "[-1,0,3]"),
        Err(InstanceError::Json(_))
    ));
    assert!(matches!(
        Instance::from_json_str("{\"format\":\"x\"}"),
        Err(InstanceError::Json(_))
    ));
    let missing = Instance::read_file("/nonexistent/instance.json").expect_err("no file");
    assert!(
        missing.to_string().contains("/nonexistent/instance.json"),
        "{missing}"
    );
}

#[test]
fn duplicate_pairs_and_negative_bonuses_are_rejected_at_solve_time() {
    let dup = parse("mentor-match-instance/1", "[0,0,7],[0,0,9]").expect("syntactically valid");
    let err = solve_instance(&dup, SolveMode::Score).expect_err("duplicate pair");
    assert!(
        err.to_string()
            .contains("both join applicant 0 and mentor 0"),
        "{err}"
    );
    let mut neg = parse("mentor-match-instance/1", "[0,0,7]").expect("valid");
    neg.applicants[0].first_slot_bonus = -1;
    assert!(solve_instance(&neg, SolveMode::Card).is_err());
}

#[test]
fn written_instances_read_back_identically() {
    let mut inst = solver_support::golden("tiny");
    inst.applicants[3].first_slot_bonus = 12; // the extension field round-trips too
    let mut bytes = Vec::new();
    write_instance(&inst, &mut bytes).expect("in-memory write");
    let back = Instance::from_json_str(std::str::from_utf8(&bytes).expect("utf-8")).expect("valid");
    assert_eq!(back, inst);
}

#[test]
fn splitmix64_and_floyd_sampling_match_the_python_reference_values() {
    // SplitMix64(1) first outputs (reference values of the algorithm).
    let mut rng = SplitMix64::new(1);
    assert_eq!(rng.next_u64(), 0x910a_2dec_8902_5cc1);
    let mut rng = SplitMix64::new(7);
    let s = sample_distinct(&mut rng, 100, 10);
    assert_eq!(s.len(), 10);
    assert!(s.windows(2).all(|w| w[0] < w[1]) && s[9] < 100);
    assert_eq!(sample_distinct(&mut rng, 5, 9), vec![0, 1, 2, 3, 4]);
}

/// `gen.py`, looked up beside the crate (`../shared/bench`, where the
/// project's shared folder lives), in `$TWINMATCH_BENCH_DIR`, or at
/// `/work/shared/bench`.
fn gen_py() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("TWINMATCH_BENCH_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    dirs.push(PathBuf::from("/work/shared/bench"));
    dirs.into_iter()
        .map(|d| d.join("gen.py"))
        .find(|p| p.is_file())
}

/// Set to `required` (as `.ci/run` does), a missing `gen.py` or `python3`
/// fails the comparison instead of skipping it.
const GEN_PY_ENV: &str = "TWINMATCH_TEST_GEN_PY";

fn skip(why: &str) {
    assert!(
        std::env::var(GEN_PY_ENV).as_deref() != Ok("required"),
        "{GEN_PY_ENV}=required, but {why}"
    );
    eprintln!("{why}: skipping the byte-for-byte comparison");
}

#[test]
fn gen_port_matches_gen_py_byte_for_byte() {
    let Some(script) = gen_py() else {
        return skip("gen.py was not found beside the project");
    };
    let cases: [(&[&str], GenParams); 4] = [
        (
            &["--preset", "tiny", "--seed", "1"],
            GenParams::preset("tiny", 1).expect("preset"),
        ),
        (
            &["--preset", "small", "--seed", "1"],
            GenParams::preset("small", 1).expect("preset"),
        ),
        (
            &["--preset", "small", "--seed", "42", "--cap-max", "9"],
            GenParams {
                cap_max: 9,
                ..GenParams::preset("small", 42).expect("preset")
            },
        ),
        (
            &[
                "-a", "400", "-m", "300", "-t", "16", "-k", "20", "--unit", "--seed", "3",
            ],
            GenParams {
                seed: 3,
                n_applicants: 400,
                n_mentors: 300,
                n_themes: 16,
                k: 20,
                cap_max: 6,
                unit: true,
            },
        ),
    ];
    for (args, params) in cases {
        let out = match Command::new("python3").arg(&script).args(args).output() {
            Ok(out) if out.status.success() => out.stdout,
            other => return skip(&format!("python3 gen.py failed ({other:?})")),
        };
        let mut ours = Vec::new();
        write_instance(&generate(&params), &mut ours).expect("in-memory write");
        assert!(ours == out, "gen.py {args:?} differs from the Rust port");
    }
}

#[test]
fn gen_port_reproduces_the_tiny_fixture_without_python() {
    // tests/data/tiny-s1.json = `python3 gen.py --preset tiny --seed 1`.
    let expected = include_bytes!("data/tiny-s1.json");
    let mut ours = Vec::new();
    write_instance(
        &generate(&GenParams::preset("tiny", 1).expect("preset")),
        &mut ours,
    )
    .expect("in-memory write");
    assert!(
        ours == expected.as_slice(),
        "Rust port differs from the gen.py fixture"
    );
}
