//! The import presets against sample exports written with the real column names of HubSpot's and
//! Salesforce's contact exports (see tests/data/README.md for the sources).

use earshot_core::Network;
use earshot_crm::csv_import::{headers, read};
use earshot_crm::{Field, Identity, Mapping, Preset, System};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn hubspot_export_reads_with_its_preset() {
    let bytes = sample("hubspot-contacts.csv");
    let mapping = Mapping::preset(Preset::Hubspot, &headers(&bytes).unwrap());
    let fields: Vec<Field> = mapping.columns.iter().map(|c| c.field).collect();
    for f in [
        Field::HubspotId,
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::Company,
        Field::Owner,
        Field::Lifecycle,
        Field::X,
        Field::LifetimeValue,
    ] {
        assert!(fields.contains(&f), "{f} is not mapped");
    }
    let out = read(&bytes, &mapping).unwrap();
    assert_eq!(out.rows.len(), 12);
    let skipped: Vec<(u64, &str)> = out
        .rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| (r.line, e.as_str())))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (6, "no name, email or social account"),
            (
                7,
                "Email: 'tomasz.wisniewski@example,com' is not an email address"
            ),
        ]
    );
    let zoe = out.rows[0].outcome.as_ref().unwrap();
    assert_eq!(zoe.name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(zoe.identities, vec![Identity::new(Network::X, "zoe_angstrom")]);
    assert_eq!(zoe.external_ids[0].system, System::Hubspot);
    assert_eq!(zoe.lifecycle.as_deref(), Some("customer"));
    assert_eq!(zoe.phones.len(), 2);
    // The quoted street address over two lines did not shift the next rows.
    let priya = out.rows[2].outcome.as_ref().unwrap();
    assert_eq!(priya.company.as_deref(), Some("Harbour Line Logistics, Inc."));
}

#[test]
fn salesforce_report_and_data_loader_exports_read_with_one_preset() {
    let report = sample("salesforce-contacts.csv");
    assert!(
        report.starts_with(b"\xEF\xBB\xBF"),
        "the sample keeps Excel's byte-order mark"
    );
    let mapping = Mapping::preset(Preset::Salesforce, &headers(&report).unwrap());
    assert_eq!(mapping.columns[0].column, "Contact Owner");
    let out = read(&report, &mapping).unwrap();
    assert_eq!(out.rows.len(), 10);
    assert_eq!(out.rows.iter().filter(|r| r.outcome.is_err()).count(), 1);
    assert!(out
        .rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .all(|f| f.external_ids.iter().all(|e| e.system == System::Salesforce)));

    let loader = sample("salesforce-dataloader.csv");
    let mapping = Mapping::preset(Preset::Salesforce, &headers(&loader).unwrap());
    let out = read(&loader, &mapping).unwrap();
    assert_eq!(out.rows.len(), 5);
    assert!(out.rows.iter().all(|r| r.outcome.is_ok()));
    assert!(
        out.rows
            .iter()
            .all(|r| r.outcome.as_ref().unwrap().company.is_some()),
        "Account.Name is the company"
    );
}
