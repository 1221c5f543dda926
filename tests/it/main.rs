//! Every integration test, in one binary: decline and delete over DynamoDB
//! Local (`batch`), the HTTP edge (`edge`), end to end through
//! `cargo lambda watch` (`wire`), races and faults (`resilience`), hostile
//! input (`hostile`), and `template.yaml` (`template`).

mod batch;
mod clients;
mod detectors;
mod detectors_members;
mod docs;
mod edge;
mod hostile;
mod hostile_members;
mod hostile_organization;
mod hostile_query;
mod list;
mod members;
mod members_faults;
mod members_input;
mod members_reads;
mod membership;
mod membership_faults;
mod organization;
mod organization_conditions;
mod organization_detectors;
mod organization_members;
mod organization_sync;
mod races;
mod races_organization;
mod resilience;
mod soak;
mod support;
mod template;
mod template_access;
mod wire;
mod wire_members;
mod wire_membership;
mod wire_organization;
mod wire_reads;
mod wire_terraform;
