//! Compiling a parsed expression against the workspace's schema into the tree
//! [`super::eval`] walks: every path resolved once (field symbols and types, computed fields,
//! activity and deal aggregates), literals converted to the types they are compared as, regular
//! expressions compiled, and mistakes reported with their column.

use super::eval::{Access, ActAgg, Bound, DealAgg, DealWhich, Node, Scope, ScorePart, Test, Val};
use super::parse::{Expr, FilterError, Lit, Op, Operand, Path, Step};
use crate::record::Kind;
use crate::record::schema::{self, FieldType};
use crate::util::intern::Sym;

/// A compiled expression, and what it depends on.
pub(super) struct Compiled {
    pub(super) node: Node,
    pub(super) segment_refs: Vec<String>,
    pub(super) cross_record: bool,
}

pub(super) fn compile(expr: &Expr, scope: &Scope) -> Result<Compiled, FilterError> {
    let mut c = Compiler {
        scope,
        segment_refs: Vec::new(),
        cross_record: false,
    };
    let node = c.node(expr)?;
    Ok(Compiled {
        node,
        segment_refs: c.segment_refs,
        cross_record: c.cross_record,
    })
}

/// What a type says about how a field compares.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Text,
    Number,
    Date,
    Stage,
    Bool,
    Any,
}

struct Compiler<'a> {
    scope: &'a Scope<'a>,
    segment_refs: Vec<String>,
    cross_record: bool,
}

impl Compiler<'_> {
    fn node(&mut self, e: &Expr) -> Result<Node, FilterError> {
        Ok(match e {
            Expr::Or(v) => Node::Or(v.iter().map(|e| self.node(e)).collect::<Result<_, _>>()?),
            Expr::And(v) => Node::And(v.iter().map(|e| self.node(e)).collect::<Result<_, _>>()?),
            Expr::Not(e) => Node::Not(Box::new(self.node(e)?)),
            Expr::Exists(p) => Node::Exists(self.access(p, &p.steps)?),
            Expr::Truthy(p) => Node::Truthy(self.access(p, &p.steps)?),
            Expr::Cmp {
                path,
                op,
                rhs,
                rhs_col,
                ..
            } => {
                let access = self.access(path, &path.steps)?;
                if matches!(access, Access::Segments)
                    && let Operand::One(Lit::Text(name)) = rhs
                {
                    self.check_segment(name, *rhs_col)?;
                }
                let shape = shape_of(&access);
                let test = self.test(*op, rhs, shape, path, *rhs_col)?;
                Node::Cmp(access, test)
            }
        })
    }

    fn check_segment(&mut self, name: &str, col: usize) -> Result<(), FilterError> {
        let Some(known) = self.scope.segments else {
            return Err(FilterError::new(
                col,
                format!("segments cannot be used here: {}", self.scope.why_not),
            ));
        };
        if !known.iter().any(|k| k == name) {
            return Err(FilterError::new(
                col,
                format!("no segment named `{name}`; segments: {}", known.join(", ")),
            ));
        }
        if !self.segment_refs.iter().any(|s| s == name) {
            self.segment_refs.push(name.to_string());
        }
        Ok(())
    }

    fn access(&mut self, path: &Path, steps: &[Step]) -> Result<Access, FilterError> {
        let col = path.col;
        let first = &steps[0];
        let name = first.name.as_str();
        let rest = &steps[1..];
        let no_args = |s: &Step| -> Result<(), FilterError> {
            match &s.args {
                Some(_) => Err(FilterError::new(
                    col,
                    format!("`{}` takes no arguments", s.name),
                )),
                None => Ok(()),
            }
        };
        let simple = |a: Access| -> Result<Access, FilterError> {
            no_args(first)?;
            if let Some(extra) = rest.first() {
                return Err(FilterError::new(
                    col,
                    format!("`{name}` has no part `{}`", extra.name),
                ));
            }
            Ok(a)
        };
        match name {
            "id" => simple(Access::Id),
            "kind" => simple(Access::Kind),
            "score" | "fit_score" | "engagement_score" | "grade" => {
                if !self.scope.scores {
                    return Err(FilterError::new(
                        col,
                        format!("`{name}` cannot be used here: {}", self.scope.why_not),
                    ));
                }
                simple(Access::Score(match name {
                    "score" => ScorePart::Total,
                    "fit_score" => ScorePart::Fit,
                    "engagement_score" => ScorePart::Engagement,
                    _ => ScorePart::Grade,
                }))
            }
            "last_activity" => simple(Access::LastActivity),
            "email_domain" => simple(Access::EmailDomain),
            "email_free" => simple(Access::EmailFree),
            "segments" => {
                if self.scope.segments.is_none() {
                    return Err(FilterError::new(
                        col,
                        format!("segments cannot be used here: {}", self.scope.why_not),
                    ));
                }
                simple(Access::Segments)
            }
            "segment" => {
                no_args(first)?;
                let Some(seg) = rest.first() else {
                    return Err(FilterError::new(
                        col,
                        "write `segment.NAME`, e.g. `segment.hot-leads`",
                    ));
                };
                self.check_segment(&seg.name, col)?;
                Ok(Access::Segment(seg.name.clone()))
            }
            "company" if !rest.is_empty() => {
                no_args(first)?;
                let inner = self.access(path, rest)?;
                if matches!(inner, Access::Company(_)) {
                    return Err(FilterError::new(col, "`company.company` goes nowhere"));
                }
                if matches!(
                    inner,
                    Access::Score(_) | Access::Segment(_) | Access::Segments
                ) {
                    self.cross_record = true;
                }
                Ok(Access::Company(Box::new(inner)))
            }
            "activity" => self.activity(path, first, rest),
            "deals" => self.deals(path, rest),
            _ => {
                no_args(first)?;
                if !rest.is_empty() {
                    return Err(FilterError::new(
                        col,
                        format!(
                            "`{}` is not a field kith can look into; dotted paths start with {}",
                            path.text, "company., activity., deals. or segment."
                        ),
                    ));
                }
                let cfg = self.scope.cfg;
                let types = [Kind::Person, Kind::Company, Kind::Deal]
                    .map(|k| schema::field_type(cfg, k, name));
                Ok(Access::Field {
                    key: Sym::new(name),
                    types,
                })
            }
        }
    }

    fn activity(
        &mut self,
        path: &Path,
        first: &Step,
        rest: &[Step],
    ) -> Result<Access, FilterError> {
        let col = path.col;
        if first.args.is_some() {
            return Err(FilterError::new(
                col,
                "write `activity.TYPE.count(30d)` or `activity.count(30d)`",
            ));
        }
        let (kind, text, agg_step) = match rest {
            [agg] if matches!(agg.name.as_str(), "count" | "last") => (None, None, agg),
            [ty, agg] => {
                let text = match &ty.args {
                    None => None,
                    Some(args) => match args.as_slice() {
                        [Lit::Text(t)] => Some(t.to_lowercase()),
                        [other] => Some(other.to_string().to_lowercase()),
                        _ => {
                            return Err(FilterError::new(
                                col,
                                format!("`{}(...)` takes one text to look for", ty.name),
                            ));
                        }
                    },
                };
                (Some(Sym::new(&ty.name.to_lowercase())), text, agg)
            }
            _ => {
                return Err(FilterError::new(
                    col,
                    "write `activity.count(30d)`, `activity.TYPE.count(30d)`, `activity.TYPE(\"text\").count(14d)` or `activity.TYPE.last`",
                ));
            }
        };
        let agg = match (agg_step.name.as_str(), agg_step.args.as_deref()) {
            ("count", None | Some([])) => ActAgg::Count(None),
            ("count", Some([Lit::Days(d)])) => ActAgg::Count(Some(*d)),
            ("count", Some(_)) => {
                return Err(FilterError::new(
                    col,
                    "`count(...)` takes a duration such as 30d, 6w or 3m",
                ));
            }
            ("last", None) => ActAgg::Last,
            (other, _) => {
                return Err(FilterError::new(
                    col,
                    format!("`{other}`: an activity path ends in `count`, `count(30d)` or `last`"),
                ));
            }
        };
        Ok(Access::Activity { kind, text, agg })
    }

    fn deals(&mut self, path: &Path, rest: &[Step]) -> Result<Access, FilterError> {
        let col = path.col;
        let names: Vec<&str> = rest.iter().map(|s| s.name.as_str()).collect();
        let (which, agg) = match names.as_slice() {
            [agg] => (DealWhich::All, *agg),
            [w, agg] => (
                match *w {
                    "open" => DealWhich::Open,
                    "won" => DealWhich::Won,
                    "lost" => DealWhich::Lost,
                    "all" => DealWhich::All,
                    other => {
                        return Err(FilterError::new(
                            col,
                            format!(
                                "`deals.{other}`: use deals.open, deals.won, deals.lost or deals.all"
                            ),
                        ));
                    }
                },
                *agg,
            ),
            _ => {
                return Err(FilterError::new(
                    col,
                    "write `deals.count`, `deals.open.count` or `deals.won.amount`",
                ));
            }
        };
        let agg = match agg {
            "count" => DealAgg::Count,
            "amount" => DealAgg::Amount,
            other => {
                return Err(FilterError::new(
                    col,
                    format!("`{other}`: deal paths end in `count` or `amount`"),
                ));
            }
        };
        Ok(Access::Deals { which, agg })
    }

    fn vals(&self, rhs: &Operand, col: usize) -> Result<Vec<Val>, FilterError> {
        let lits: Vec<&Lit> = match rhs {
            Operand::One(l) => vec![l],
            Operand::List(v) => v.iter().collect(),
        };
        let mut out = Vec::new();
        for lit in lits {
            match lit {
                Lit::Var(name) => match self.scope.cfg.list(name) {
                    Some(items) => out.extend(items.iter().map(|i| Val::of(&Lit::Text(i.clone())))),
                    None => {
                        let known = self.scope.cfg.list_names();
                        return Err(FilterError::new(
                            col,
                            format!(
                                "no list named `${name}`; lists: {} (add it under `lists:` in kith.yaml)",
                                known.join(", ")
                            ),
                        ));
                    }
                },
                other => out.push(Val::of(other)),
            }
        }
        Ok(out)
    }

    fn test(
        &mut self,
        op: Op,
        rhs: &Operand,
        shape: Shape,
        path: &Path,
        vcol: usize,
    ) -> Result<Test, FilterError> {
        let single = |what: &str| -> Result<&Lit, FilterError> {
            match rhs {
                Operand::One(l) => Ok(l),
                Operand::List(_) => Err(FilterError::new(
                    vcol,
                    format!("`{}` takes {what}, not a list", op.as_str()),
                )),
            }
        };
        let text = |l: &Lit| -> String {
            match l {
                Lit::Text(t) => t.to_lowercase(),
                other => other.to_string().to_lowercase(),
            }
        };
        Ok(match op {
            Op::Eq | Op::In | Op::Has => {
                let vals = self.vals(rhs, vcol)?;
                self.typecheck(&vals, shape, path, vcol)?;
                Test::Any(vals)
            }
            Op::Ne | Op::NotIn => {
                let vals = self.vals(rhs, vcol)?;
                self.typecheck(&vals, shape, path, vcol)?;
                Test::NoneOf(vals)
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let v = Val::of(single("one value")?);
                self.typecheck(std::slice::from_ref(&v), shape, path, vcol)?;
                if shape == Shape::Stage && self.scope.cfg.lifecycle.rank(&v.text).is_none() {
                    let deal_stage = self
                        .scope
                        .cfg
                        .pipelines
                        .iter()
                        .any(|p| p.stage(&v.text).is_some());
                    if !deal_stage {
                        return Err(FilterError::new(
                            vcol,
                            format!("`{}` is not a stage", v.text),
                        ));
                    }
                }
                Test::Order(op, v)
            }
            Op::Matches => {
                let pattern = match single("a regular expression")? {
                    Lit::Text(t) => t.clone(),
                    other => other.to_string(),
                };
                let re = regex::RegexBuilder::new(&pattern)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| {
                        FilterError::new(
                            vcol,
                            format!(
                                "invalid regular expression: {}",
                                first_line(&e.to_string()).trim_start_matches("error: ")
                            ),
                        )
                    })?;
                Test::Matches(re)
            }
            Op::Contains => Test::Contains(text(single("one value")?)),
            Op::StartsWith => Test::StartsWith(text(single("one value")?)),
            Op::EndsWith => Test::EndsWith(text(single("one value")?)),
            Op::Within => match single("a duration")? {
                Lit::Days(d) => Test::Within(*d),
                _ => {
                    return Err(FilterError::new(
                        vcol,
                        "`within` takes a duration such as 14d, 6w or 3m",
                    ));
                }
            },
            Op::Before | Op::After => {
                let bound = match single("a date")? {
                    Lit::Date(d) => Bound::Date(*d),
                    Lit::Days(d) => Bound::DaysAgo(*d),
                    _ => {
                        return Err(FilterError::new(
                            vcol,
                            format!(
                                "`{}` takes a date (2026-10-01) or a duration (30d: that long ago)",
                                op.as_str()
                            ),
                        ));
                    }
                };
                if !matches!(shape, Shape::Date | Shape::Any) {
                    return Err(FilterError::new(
                        path.col,
                        format!("`{}` is not a date", path.text),
                    ));
                }
                if op == Op::Before {
                    Test::Before(bound)
                } else {
                    Test::After(bound)
                }
            }
        })
    }

    /// Refuses values that can never compare with a field of a known type.
    fn typecheck(
        &self,
        vals: &[Val],
        shape: Shape,
        path: &Path,
        col: usize,
    ) -> Result<(), FilterError> {
        for v in vals {
            let ok = match shape {
                Shape::Number => v.num.is_some(),
                Shape::Date => v.date.is_some(),
                Shape::Bool => matches!(v.text.as_str(), "true" | "false"),
                Shape::Stage => {
                    self.scope.cfg.lifecycle.is_known(&v.text)
                        || self
                            .scope
                            .cfg
                            .pipelines
                            .iter()
                            .any(|p| p.stage(&v.text).is_some())
                        || v.text == "none"
                }
                Shape::Text | Shape::Any => true,
            };
            if !ok {
                let want = match shape {
                    Shape::Number => "a number",
                    Shape::Date => "a date written YYYY-MM-DD",
                    Shape::Bool => "true or false",
                    _ => "a stage",
                };
                return Err(FilterError::new(
                    col,
                    format!("`{}` is {want}; `{}` is not", path.text, v.text),
                ));
            }
        }
        Ok(())
    }
}

fn first_line(s: &str) -> &str {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}

fn shape_of(a: &Access) -> Shape {
    match a {
        Access::Field { types, .. } => {
            let shapes: Vec<Shape> = types.iter().flatten().map(type_shape).collect();
            match shapes.as_slice() {
                [] => Shape::Any,
                [first, rest @ ..] if rest.iter().all(|s| s == first) => *first,
                _ => Shape::Any,
            }
        }
        Access::Company(inner) => shape_of(inner),
        Access::Score(ScorePart::Grade) => Shape::Text,
        Access::Score(_)
        | Access::Deals { .. }
        | Access::Activity {
            agg: ActAgg::Count(_),
            ..
        } => Shape::Number,
        Access::LastActivity
        | Access::Activity {
            agg: ActAgg::Last, ..
        } => Shape::Date,
        Access::EmailFree | Access::Segment(_) => Shape::Bool,
        Access::Id | Access::Kind | Access::EmailDomain | Access::Segments => Shape::Text,
    }
}

fn type_shape(t: &FieldType) -> Shape {
    match t {
        FieldType::Number | FieldType::Integer => Shape::Number,
        FieldType::Date => Shape::Date,
        FieldType::Bool => Shape::Bool,
        FieldType::Lifecycle | FieldType::DealStage => Shape::Stage,
        _ => Shape::Text,
    }
}
