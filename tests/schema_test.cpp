#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/ingest/schema.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::ingest;

TEST(Schema, DetectsLegacyWithBomAndTags) {
    std::string h =
        "\xEF\xBB\xBFidentity/LineItemId,lineItem/UnblendedCost,lineItem/UsageStartDate,"
        "resourceTags/user:CostCenter,resourceTags/aws:createdBy\nrest";
    Schema s = resolve_schema(h, {}, "f.csv");
    EXPECT_EQ(s.dialect, Dialect::legacy);
    EXPECT_EQ(s.header_bytes, h.find('\n') + 1);
    EXPECT_EQ(s.columns[0], "identity/LineItemId");
    EXPECT_EQ(s.column_of_slot[kUnblendedCost], 1);
    ASSERT_EQ(s.tag_keys.size(), 2u);
    EXPECT_EQ(s.tag_keys[0], "cost_center");
    EXPECT_EQ(s.tag_keys[1], "aws_created_by");
    EXPECT_FALSE(s.has(kBlendedCost));  // absent optional columns are normal
}

TEST(Schema, DetectsSnakeCur2AndFocus) {
    Schema a = resolve_schema(
        "line_item_unblended_cost,line_item_usage_start_date,resource_tags_user_team\n", {}, "a");
    EXPECT_EQ(a.dialect, Dialect::snake);
    EXPECT_EQ(a.tag_keys, std::vector<std::string>{"team"});
    Schema b = resolve_schema(
        "line_item_unblended_cost,line_item_usage_start_date,resource_tags,product\n", {}, "b");
    EXPECT_EQ(b.dialect, Dialect::cur2);
    EXPECT_TRUE(b.has(kTagsJson));
    EXPECT_TRUE(b.has(kProductJson));
    Schema c = resolve_schema("\"BilledCost\",\"ChargePeriodStart\",\"Tags\"\n", {}, "c");
    EXPECT_EQ(c.dialect, Dialect::focus10);
    EXPECT_EQ(c.format.null_token, "NULL");
    Schema d = resolve_schema("BilledCost,ChargePeriodStart,InvoiceId,SkuMeter\n", {}, "d");
    EXPECT_EQ(d.dialect, Dialect::focus12);
    EXPECT_EQ(d.column_of_slot[kUsageType], 3);
}

TEST(Schema, DetectsHiveTextDelimiter) {
    Schema s =
        resolve_schema("line_item_unblended_cost\x01line_item_usage_start_date\x01year\n", {}, "h");
    EXPECT_EQ(s.format.delimiter, '\x01');
    EXPECT_FALSE(s.format.quoting);
    EXPECT_EQ(s.format.null_token, "\\N");
}

TEST(Schema, TagKeysNormalizeAcrossDialects) {
    EXPECT_EQ(normalize_tag_key("resourceTags/user:CostCenter"), "cost_center");
    EXPECT_EQ(normalize_tag_key("resource_tags_user_cost_center"), "cost_center");
    EXPECT_EQ(normalize_tag_key("user_cost_center"), "cost_center");
    EXPECT_EQ(normalize_tag_key("user:Cost Center"), "cost_center");
    EXPECT_EQ(normalize_tag_key("application"), "application");
    EXPECT_EQ(normalize_tag_key("aws:createdBy"), "aws_created_by");
}

TEST(Schema, TagKeysKeepLettersBeyondAscii) {
    // Every Japanese key was "user" once: its letters were dropped, and keys merged.
    EXPECT_EQ(normalize_tag_key("resourceTags/user:チーム"), "チーム");
    EXPECT_EQ(normalize_tag_key("user_团队"), "团队");
    EXPECT_NE(normalize_tag_key("user:チーム"), normalize_tag_key("user:团队"));
    EXPECT_EQ(normalize_tag_key("resourceTags/user:Centre de coût"), "centre_de_coût");
    // Not case-folded beyond ASCII: two keys, where dropping the É made both "quipe".
    EXPECT_EQ(normalize_tag_key("user:équipe"), "équipe");
    EXPECT_EQ(normalize_tag_key("user:Équipe"), "Équipe");
    EXPECT_EQ(normalize_cost_category_key("costCategory/Geschäftsbereich"),
              "cost_category/geschäftsbereich");
    // A key that is not UTF-8 (Latin-1 é) keeps its ASCII only, as before: never raw bytes.
    EXPECT_EQ(normalize_tag_key("user:\xE9quipe"), "quipe");
}

TEST(Schema, CostCategoriesJoinTheTagRollup) {
    Schema a = resolve_schema(
        "lineItem/UnblendedCost,lineItem/UsageStartDate,costCategory/Business Unit\n", {}, "a");
    EXPECT_EQ(a.tag_keys, std::vector<std::string>{"cost_category/business_unit"});
    Schema b = resolve_schema(
        "line_item_unblended_cost,line_item_usage_start_date,cost_category_business_unit\n", {},
        "b");
    EXPECT_EQ(b.tag_keys, std::vector<std::string>{"cost_category/business_unit"});
    Schema c = resolve_schema("line_item_unblended_cost,line_item_usage_start_date,cost_category\n",
                              {}, "c");
    EXPECT_TRUE(c.has(kCostCategoryJson));
    Schema d = resolve_schema("BilledCost,ChargePeriodStart,x_CostCategories\n", {}, "d");
    EXPECT_TRUE(d.has(kCostCategoryJson));
    EXPECT_EQ(normalize_cost_category_key("Business Unit"), "cost_category/business_unit");
    EXPECT_FALSE(is_user_tag_key("cost_category/business_unit"));
    EXPECT_FALSE(is_user_tag_key("aws_created_by"));
    EXPECT_TRUE(is_user_tag_key("team"));
}

TEST(Schema, RejectsUnknownDialectAndMissingColumns) {
    try {
        resolve_schema("foo,bar,baz\n1,2,3\n", {}, "x.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input);
        EXPECT_NE(std::string(e.what()).find("x.csv: line 1: unknown dialect"), std::string::npos);
    }
    try {
        resolve_schema("lineItem/UnblendedCost,lineItem/ProductCode\n", {}, "y.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("lacks required column(s): lineItem/UsageStartDate"),
                  std::string::npos);
    }
    EXPECT_THROW(resolve_schema("", {}, "z"), Error);
}

}  // namespace CURCRUNCH_UNITY_ID
