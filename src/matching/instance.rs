//! The `mentor-match-instance/1` JSON exchange format: reading (with
//! validation), writing (byte-compatible with `gen.py`), conversion to a
//! [`BMatchProblem`] and a one-call solve with a JSON-serialisable report.
//!
//! The format (see `shared/bench/README.md`):
//!
//! ```text
//! { "format": "mentor-match-instance/1",
//!   "generator": {...},                  // optional provenance
//!   "themes": ["t00", ...],
//!   "applicants": [{"id", "max_mentors", "needs": {theme: weight}}, ...],
//!   "mentors":    [{"id", "capacity", "expertise": {theme: weight}}, ...],
//!   "arcs": [[applicant_index, mentor_index, score], ...] }
//! ```
//!
//! One extension, absent from `gen.py` files and ignored by `ref_solve.py`: an
//! applicant may carry `"first_slot_bonus"` (integer, default 0, written only
//! when non-zero), so that the engine can export a coverage-weighted problem
//! and replay it exactly.

use super::flow::{self, ApplicantSlots, BMatchProblem, CandidateArc, ProblemError};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;
use thiserror::Error;

/// Value of the `format` field this module reads and writes.
pub const FORMAT: &str = "mentor-match-instance/1";

/// Ordered `{theme: weight}` map; keeps the file's order so that an instance
/// written back is byte-identical.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThemeWeights(pub Vec<(String, f64)>);

impl Serialize for ThemeWeights {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ThemeWeights {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ThemeWeights;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from theme name to weight")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<ThemeWeights, A::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(0));
                while let Some(entry) = m.next_entry::<String, f64>()? {
                    v.push(entry);
                }
                Ok(ThemeWeights(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// Provenance of an instance (`gen.py` fills every field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorInfo {
    pub name: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_applicants: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_mentors: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_themes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<bool>,
}

/// One applicant (a city asking for mentors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applicant {
    pub id: String,
    pub max_mentors: u32,
    #[serde(default)]
    pub needs: ThemeWeights,
    /// Extension: worth of covering this applicant at all (see module docs).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub first_slot_bonus: i64,
}

fn is_zero(x: &i64) -> bool {
    *x == 0
}

/// One mentor (a city offering mentoring).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mentor {
    pub id: String,
    pub capacity: u32,
    #[serde(default)]
    pub expertise: ThemeWeights,
}

/// A whole instance file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<GeneratorInfo>,
    #[serde(default)]
    pub themes: Vec<String>,
    pub applicants: Vec<Applicant>,
    pub mentors: Vec<Mentor>,
    /// `(applicant_index, mentor_index, score)`, written as 3-element arrays.
    pub arcs: Vec<(u32, u32, i64)>,
}

/// Why an instance could not be read or solved.
#[derive(Debug, Error)]
pub enum InstanceError {
    #[error("cannot read instance {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("instance is not valid JSON for {FORMAT}: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unsupported instance format {found:?} (expected {FORMAT:?})")]
    WrongFormat { found: String },
    #[error(
        "arc #{index} [{applicant}, {mentor}, ...] is out of range: {n_applicants} applicants, {n_mentors} mentors"
    )]
    ArcOutOfRange {
        index: usize,
        applicant: u32,
        mentor: u32,
        n_applicants: usize,
        n_mentors: usize,
    },
    #[error("invalid problem: {0}")]
    Problem(#[from] ProblemError),
}

/// Objective of a solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SolveMode {
    /// Maximise the total score (plus first-slot bonuses, if any).
    #[default]
    Score,
    /// Maximise the number of pairs, then the score (as `ref_solve.py --mode card`).
    Card,
}

impl SolveMode {
    /// `"score"` or `"card"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SolveMode::Score => "score",
            SolveMode::Card => "card",
        }
    }
}

impl std::str::FromStr for SolveMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "score" => Ok(SolveMode::Score),
            "card" => Ok(SolveMode::Card),
            _ => Err(format!("unknown mode {s:?} (expected score or card)")),
        }
    }
}

/// Result of [`solve_instance`], serialised as one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveReport {
    pub mode: SolveMode,
    /// Total score of the chosen pairs (bonuses excluded).
    pub objective: i64,
    /// Number of chosen pairs.
    pub pairs: usize,
    /// Applicants with at least one mentor.
    pub applicants_matched: usize,
    /// Sum of first-slot bonuses earned (0 for `gen.py` instances).
    pub bonus_total: i64,
    pub applicants: usize,
    pub mentors: usize,
    pub arcs: usize,
    /// Building the [`BMatchProblem`] from the instance.
    pub seconds_build: f64,
    /// The solver call only ([`flow::solve`]).
    pub seconds_solve: f64,
    /// Chosen arc indices into [`Instance::arcs`], ascending.
    #[serde(skip)]
    pub chosen: Vec<u32>,
}

/// One chosen pair, as written to a `--pairs-out` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairOut {
    pub applicant: String,
    pub mentor: String,
    pub score: i64,
}

impl SolveReport {
    /// The chosen pairs with ids, in arc order. `inst` must be the instance
    /// that was solved.
    pub fn pairs_out(&self, inst: &Instance) -> Vec<PairOut> {
        self.chosen
            .iter()
            .filter_map(|&e| inst.arcs.get(e as usize))
            .filter_map(|&(a, m, score)| {
                Some(PairOut {
                    applicant: inst.applicants.get(a as usize)?.id.clone(),
                    mentor: inst.mentors.get(m as usize)?.id.clone(),
                    score,
                })
            })
            .collect()
    }
}

impl Instance {
    /// Parses and [validates](Self::validate) an instance from JSON text.
    pub fn from_json_str(text: &str) -> Result<Instance, InstanceError> {
        let inst: Instance = serde_json::from_str(text)?;
        inst.validate()?;
        Ok(inst)
    }

    /// Reads, parses and validates an instance file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Instance, InstanceError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json_str(&text)
    }

    /// Checks the format tag and that every arc names an existing applicant
    /// and mentor. (Duplicate pairs and bonus signs are checked by
    /// [`Self::to_problem`].)
    pub fn validate(&self) -> Result<(), InstanceError> {
        if self.format != FORMAT {
            return Err(InstanceError::WrongFormat {
                found: self.format.clone(),
            });
        }
        let (na, nm) = (self.applicants.len(), self.mentors.len());
        for (index, &(applicant, mentor, _)) in self.arcs.iter().enumerate() {
            if applicant as usize >= na || mentor as usize >= nm {
                return Err(InstanceError::ArcOutOfRange {
                    index,
                    applicant,
                    mentor,
                    n_applicants: na,
                    n_mentors: nm,
                });
            }
        }
        Ok(())
    }

    /// The b-matching problem of this instance in `mode`: arc scores, applicant
    /// `max_mentors` and `first_slot_bonus`, mentor capacities; in
    /// [`SolveMode::Card`] every score is raised by
    /// [`BMatchProblem::dominating_pair_bonus`]. Arc indices are preserved.
    pub fn to_problem(&self, mode: SolveMode) -> Result<BMatchProblem, InstanceError> {
        self.validate()?;
        let problem = BMatchProblem {
            applicants: self
                .applicants
                .iter()
                .map(|a| ApplicantSlots {
                    max: a.max_mentors,
                    first_slot_bonus: a.first_slot_bonus,
                })
                .collect(),
            mentor_capacity: self.mentors.iter().map(|m| m.capacity).collect(),
            arcs: self
                .arcs
                .iter()
                .map(|&(applicant, mentor, score)| CandidateArc {
                    applicant,
                    mentor,
                    score,
                })
                .collect(),
        };
        let problem = match mode {
            SolveMode::Score => problem,
            SolveMode::Card => {
                let bonus = problem.dominating_pair_bonus();
                problem.with_pair_bonus(bonus)
            }
        };
        problem.validate()?;
        Ok(problem)
    }
}

/// Solves `inst` exactly in `mode` and reports the raw-score objective.
///
/// `seconds_solve` times [`flow::solve`] only (validation, network build and
/// search; in debug builds also the certificate check).
pub fn solve_instance(inst: &Instance, mode: SolveMode) -> Result<SolveReport, InstanceError> {
    let t0 = Instant::now();
    let problem = inst.to_problem(mode)?;
    let t1 = Instant::now();
    let solution = flow::solve(&problem)?;
    let seconds_solve = t1.elapsed().as_secs_f64();
    let objective = solution
        .chosen
        .iter()
        .map(|&e| inst.arcs[e as usize].2)
        .sum();
    Ok(SolveReport {
        mode,
        objective,
        pairs: solution.pairs,
        applicants_matched: solution.applicants_matched,
        bonus_total: solution.bonus_total,
        applicants: inst.applicants.len(),
        mentors: inst.mentors.len(),
        arcs: inst.arcs.len(),
        seconds_build: (t1 - t0).as_secs_f64(),
        seconds_solve,
        chosen: solution.chosen,
    })
}

/// Writes `inst` in `gen.py`'s layout: compact JSON, one applicant, mentor or
/// arc per line (the bytes match `gen.py -o` for generated instances).
pub fn write_instance<W: Write>(inst: &Instance, mut w: W) -> io::Result<()> {
    fn json<T: Serialize + ?Sized>(v: &T) -> io::Result<String> {
        serde_json::to_string(v).map_err(io::Error::other)
    }
    w.write_all(b"{\n")?;
    writeln!(w, "\"format\":{},", json(&inst.format)?)?;
    if let Some(g) = &inst.generator {
        writeln!(w, "\"generator\":{},", json(g)?)?;
    }
    writeln!(w, "\"themes\":{},", json(&inst.themes)?)?;
    fn items<W: Write, T: Serialize>(w: &mut W, key: &str, list: &[T]) -> io::Result<()> {
        writeln!(w, "\"{key}\":[")?;
        for (n, it) in list.iter().enumerate() {
            w.write_all(json(it)?.as_bytes())?;
            w.write_all(if n + 1 < list.len() { b",\n" } else { b"\n" })?;
        }
        Ok(())
    }
    items(&mut w, "applicants", &inst.applicants)?;
    w.write_all(b"],\n")?;
    items(&mut w, "mentors", &inst.mentors)?;
    w.write_all(b"],\n")?;
    w.write_all(b"\"arcs\":[\n")?;
    for (n, (a, m, s)) in inst.arcs.iter().enumerate() {
        let sep = if n + 1 < inst.arcs.len() { ",\n" } else { "\n" };
        write!(w, "[{a},{m},{s}]{sep}")?;
    }
    w.write_all(b"]\n}\n")?;
    Ok(())
}

/// [`write_instance`] to a file (buffered).
pub fn write_instance_file(inst: &Instance, path: impl AsRef<Path>) -> io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut w = io::BufWriter::new(f);
    write_instance(inst, &mut w)?;
    w.flush()
}
