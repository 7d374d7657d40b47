//! The vendors' deal stages and lifecycle stages in kith's words: what `--map` says first,
//! then a stage of the workspace with the same name (HubSpot's `appointmentscheduled` and
//! `Appointment Scheduled` are kith's `appointment-scheduled`), then each vendor's default
//! pipeline as its documentation names it. Anything else is unmapped and listed.

use super::Vendor;
use crate::plan::import::vocab::{self, header_key};
use crate::record::config::{Closed, Config};

/// Salesforce's default opportunity stages (`StageName`).
const SALESFORCE: &[(&str, &str)] = &[
    ("Prospecting", "appointment-scheduled"),
    ("Qualification", "qualified-to-buy"),
    ("Needs Analysis", "qualified-to-buy"),
    ("Value Proposition", "presentation-scheduled"),
    ("Id. Decision Makers", "presentation-scheduled"),
    ("Perception Analysis", "decision-maker-bought-in"),
    ("Proposal/Price Quote", "contract-sent"),
    ("Negotiation/Review", "contract-sent"),
    ("Closed Won", "closed-won"),
    ("Closed Lost", "closed-lost"),
];

/// Pipedrive's default pipeline.
const PIPEDRIVE: &[(&str, &str)] = &[
    ("Lead In", "appointment-scheduled"),
    ("Qualified", "qualified-to-buy"),
    ("Contact Made", "qualified-to-buy"),
    ("Needs Defined", "presentation-scheduled"),
    ("Demo Scheduled", "presentation-scheduled"),
    ("Proposal Made", "decision-maker-bought-in"),
    ("Negotiations Started", "contract-sent"),
];

/// `--map` pairs: a vendor's value and the kith stage it becomes.
pub type Map = [(String, String)];

fn mapped<'a>(map: &'a Map, raw: &str) -> Option<&'a str> {
    let key = header_key(raw);
    map.iter()
        .find(|(from, _)| header_key(from) == key)
        .map(|(_, to)| to.as_str())
}

/// A deal's stage in the workspace's first pipeline; `status` is Pipedrive's `won`/`lost`
/// (or Salesforce's `IsWon`/`IsClosed` read as such), which wins over an open stage.
pub fn deal(
    cfg: &Config,
    vendor: Vendor,
    raw: Option<&str>,
    status: Option<&str>,
    map: &Map,
) -> Result<Option<String>, String> {
    let Some(pipeline) = cfg.pipeline(None) else {
        return Ok(None);
    };
    let closed = |c: Closed| {
        pipeline
            .stages
            .iter()
            .find(|s| s.closed == Some(c))
            .map(|s| s.id.clone())
    };
    match status.map(header_key).as_deref() {
        Some("won") => return Ok(closed(Closed::Won)),
        Some("lost") => return Ok(closed(Closed::Lost)),
        _ => {}
    }
    let Some(raw) = raw else {
        return Ok(None);
    };
    if let Some(to) = mapped(map, raw) {
        return Ok(Some(to.to_string()));
    }
    let key = header_key(raw);
    if let Some(s) = pipeline.stages.iter().find(|s| header_key(&s.id) == key) {
        return Ok(Some(s.id.clone()));
    }
    let table = match vendor {
        Vendor::HubSpot => &[][..],
        Vendor::Salesforce => SALESFORCE,
        Vendor::Pipedrive => PIPEDRIVE,
    };
    table
        .iter()
        .find(|(from, _)| header_key(from) == key)
        .and_then(|(_, to)| pipeline.stage(to))
        .map(|s| Some(s.id.clone()))
        .ok_or_else(|| raw.to_string())
}

/// A person's lifecycle stage: `--map`, then HubSpot's values and labels
/// ([`vocab::lifecycle`]), when the workspace has that stage.
pub fn lifecycle(cfg: &Config, raw: &str, map: &Map) -> Result<String, String> {
    if let Some(to) = mapped(map, raw) {
        return Ok(to.to_string());
    }
    let kith = vocab::lifecycle(raw);
    match cfg.lifecycle.all().find(|s| s.eq_ignore_ascii_case(&kith)) {
        Some(s) => Ok(s.to_string()),
        None => Err(raw.to_string()),
    }
}

/// Whether `to` is a stage `--map` may name: a deal stage or a lifecycle stage.
pub fn is_target(cfg: &Config, to: &str) -> bool {
    cfg.lifecycle.is_known(to) || cfg.pipelines.iter().any(|p| p.stage(to).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendors_default_pipeline() {
        let cfg = Config::default();
        let map = vec![("Discovery".to_string(), "qualified-to-buy".to_string())];
        let d = |v, raw: &str, status| deal(&cfg, v, Some(raw), status, &map);
        assert_eq!(
            d(Vendor::HubSpot, "decisionmakerboughtin", None),
            Ok(Some("decision-maker-bought-in".into()))
        );
        assert_eq!(
            d(Vendor::HubSpot, "Closed Won", None),
            Ok(Some("closed-won".into()))
        );
        assert_eq!(
            d(Vendor::Salesforce, "Id. Decision Makers", None),
            Ok(Some("presentation-scheduled".into()))
        );
        assert_eq!(
            d(Vendor::Salesforce, "Proposal/Price Quote", None),
            Ok(Some("contract-sent".into()))
        );
        assert_eq!(
            d(Vendor::Pipedrive, "Proposal Made", Some("lost")),
            Ok(Some("closed-lost".into()))
        );
        assert_eq!(
            d(Vendor::Pipedrive, "discovery", None),
            Ok(Some("qualified-to-buy".into()))
        );
        assert_eq!(d(Vendor::HubSpot, "Pilot", None), Err("Pilot".into()));
        assert_eq!(
            lifecycle(&cfg, "marketingqualifiedlead", &map),
            Ok("mql".into())
        );
        assert_eq!(lifecycle(&cfg, "Partner", &map), Err("Partner".into()));
    }
}
