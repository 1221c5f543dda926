//! The expressions of every conditional write, built from the state
//! machine's rows, so that the function, the admin tool and the benchmark's
//! baseline send the very same requests.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};

use crate::domain::{Named, Transition};
use crate::table;

pub type Item = HashMap<String, AttributeValue>;

/// A conditional write of one transition, table and key aside: the
/// condition is the states it starts from, the update where it leads.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub condition: String,
    /// `None`: the write deletes the item.
    pub update: Option<String>,
    pub names: HashMap<String, String>,
    pub values: Item,
}

impl Write {
    /// The write of `transition` (of an invitation or of a member record),
    /// stamping `updatedAt` with `now`.
    pub fn of<A, S: Named>(transition: &Transition<A, S>, now: &str) -> Self {
        let mut write = Write {
            condition: String::new(),
            update: None,
            names: HashMap::from([("#status".to_owned(), table::STATUS.to_owned())]),
            values: Item::new(),
        };
        let mut allowed: Vec<String> = Vec::new();
        if transition.from_nothing {
            allowed.push("attribute_not_exists(#status)".into());
        }
        if !transition.from.is_empty() {
            let placeholders: Vec<String> = transition
                .from
                .iter()
                .enumerate()
                .map(|(i, status)| write.value(&format!(":from{i}"), status_value(*status)))
                .collect();
            allowed.push(format!("#status IN ({})", placeholders.join(", ")));
        }
        write.condition = allowed.join(" OR ");
        if let Some(to) = transition.to {
            write.update = Some("SET #status = :to".into());
            write.value(":to", status_value(to));
            write = write.set(table::UPDATED_AT, AttributeValue::S(now.to_owned()));
        }
        write
    }

    /// Adds `name = value` to the update's `SET`.
    pub fn set(mut self, name: &str, value: AttributeValue) -> Self {
        let (name_ref, value_ref) = self.bind("set", name, value);
        let update = self.update.get_or_insert_with(|| "SET".into());
        let separator = if update.ends_with("SET") { " " } else { ", " };
        update.push_str(&format!("{separator}{name_ref} = {value_ref}"));
        self
    }

    /// Adds `map.key = value` to the update's `SET`: one entry of a map
    /// attribute, the others left as they are.
    pub fn set_in(mut self, map: &str, key: &str, value: AttributeValue) -> Self {
        let (map_ref, value_ref) = self.bind("set", map, value);
        let key_ref = format!("{map_ref}k");
        self.names.insert(key_ref.clone(), key.to_owned());
        let update = self.update.get_or_insert_with(|| "SET".into());
        let separator = if update.ends_with("SET") { " " } else { ", " };
        update.push_str(&format!("{separator}{map_ref}.{key_ref} = {value_ref}"));
        self
    }

    /// Also removes `name` from the item; called last, after every `set`.
    pub fn remove(mut self, name: &str) -> Self {
        let name_ref = format!("#remove{}", self.names.len());
        self.names.insert(name_ref.clone(), name.to_owned());
        let update = self.update.take().unwrap_or_default();
        // One REMOVE clause: DynamoDB takes each clause once.
        let removing = update.starts_with("REMOVE ") || update.contains(" REMOVE ");
        self.update = Some(if removing {
            format!("{update}, {name_ref}")
        } else {
            format!("{update} REMOVE {name_ref}")
                .trim_start()
                .to_owned()
        });
        self
    }

    /// Also requires `name = value` of the item.
    pub fn also_if(mut self, name: &str, value: AttributeValue) -> Self {
        let (name_ref, value_ref) = self.bind("if", name, value);
        self.condition = format!("({}) AND {name_ref} = {value_ref}", self.condition);
        self
    }

    /// Placeholders `#{prefix}N` for `name` and `:{prefix}N` for `value`,
    /// numbered so that none repeats.
    fn bind(&mut self, prefix: &str, name: &str, value: AttributeValue) -> (String, String) {
        let n = self.names.len();
        let (name_ref, value_ref) = (format!("#{prefix}{n}"), format!(":{prefix}{n}"));
        self.names.insert(name_ref.clone(), name.to_owned());
        self.value(&value_ref, value);
        (name_ref, value_ref)
    }

    fn value(&mut self, placeholder: &str, value: AttributeValue) -> String {
        self.values.insert(placeholder.to_owned(), value);
        placeholder.to_owned()
    }

    /// The `UpdateItem` of this write (which must have an update).
    pub fn update_item(self, client: &Client, table: &str, key: Item) -> UpdateItemFluentBuilder {
        client
            .update_item()
            .table_name(table)
            .set_key(Some(key))
            .set_update_expression(self.update)
            .condition_expression(self.condition)
            .set_expression_attribute_names(Some(self.names))
            .set_expression_attribute_values(Some(self.values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
    }

    /// The `DeleteItem` of this write.
    pub fn delete_item(self, client: &Client, table: &str, key: Item) -> DeleteItemFluentBuilder {
        client
            .delete_item()
            .table_name(table)
            .set_key(Some(key))
            .condition_expression(self.condition)
            .set_expression_attribute_names(Some(self.names))
            .set_expression_attribute_values(Some(self.values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
    }
}

/// This write (which must have an update) as one item of a transaction.
pub fn transact_update(write: Write, table: &str, key: Item) -> TransactWriteItem {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .set_update_expression(write.update)
        .set_condition_expression((!write.condition.is_empty()).then_some(write.condition))
        .set_expression_attribute_names(Some(write.names))
        .set_expression_attribute_values(Some(write.values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table, key and update are set");
    TransactWriteItem::builder().update(update).build()
}

/// This write (which must delete) as one item of a transaction.
pub fn transact_delete(write: Write, table: &str, key: Item) -> TransactWriteItem {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(write.condition)
        .set_expression_attribute_names(Some(write.names))
        .set_expression_attribute_values(Some(write.values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table, key and condition are set");
    TransactWriteItem::builder().delete(delete).build()
}

/// The delete of whatever item `key` names, if any, in a transaction.
pub fn transact_delete_any(table: &str, key: Item) -> TransactWriteItem {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .build()
        .expect("table and key are set");
    TransactWriteItem::builder().delete(delete).build()
}

/// This write's condition alone, checked on `key` as one item of a
/// transaction.
pub fn transact_check(write: Write, table: &str, key: Item) -> TransactWriteItem {
    let check = ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(write.condition)
        .set_expression_attribute_names(Some(write.names))
        .set_expression_attribute_values((!write.values.is_empty()).then_some(write.values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table, key and condition are set");
    TransactWriteItem::builder().condition_check(check).build()
}

/// `item`, put in a transaction on condition that no item has its key.
pub fn transact_put_new(item: Item, table: &str) -> TransactWriteItem {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#sort)")
        .expression_attribute_names("#sort", table::INVITER)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table and item are set");
    TransactWriteItem::builder().put(put).build()
}

/// A string attribute.
pub fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

pub fn status_value(status: impl Named) -> AttributeValue {
    AttributeValue::S(status.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Status};

    #[test]
    fn decline_is_conditioned_on_its_starting_states_and_stamps_the_time() {
        let write = Write::of(Action::Decline.transition(), "T");
        assert_eq!(write.condition, "#status IN (:from0, :from1)");
        assert_eq!(
            write.update.as_deref(),
            Some("SET #status = :to, #set1 = :set1")
        );
        assert_eq!(write.names["#set1"], table::UPDATED_AT);
        assert_eq!(write.values[":from0"], status_value(Status::Invited));
        assert_eq!(write.values[":from1"], status_value(Status::Removed));
        assert_eq!(write.values[":to"], status_value(Status::Declined));
    }

    #[test]
    fn a_removal_comes_after_the_sets() {
        let write = Write::of(Action::Invite.transition(), "T").remove("detectorId");
        assert_eq!(
            write.update.as_deref(),
            Some("SET #status = :to, #set1 = :set1 REMOVE #remove2")
        );
        assert_eq!(write.names["#remove2"], "detectorId");
    }

    #[test]
    fn removals_share_one_clause() {
        let write = Write::of(Action::Invite.transition(), "T")
            .remove("a")
            .remove("b");
        assert_eq!(
            write.update.as_deref(),
            Some("SET #status = :to, #set1 = :set1 REMOVE #remove2, #remove3")
        );
    }

    #[test]
    fn delete_has_no_update_and_invite_may_create() {
        let delete = Write::of(Action::Delete.transition(), "T");
        assert_eq!(delete.update, None);
        assert_eq!(delete.condition, "#status IN (:from0)");
        let invite = Write::of(Action::Invite.transition(), "T");
        assert_eq!(
            invite.condition,
            "attribute_not_exists(#status) OR #status IN (:from0, :from1)"
        );
    }
}
