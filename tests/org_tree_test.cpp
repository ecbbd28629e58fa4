// aws::OrgTree against the AWS test server (SigV4 verified): the documented id patterns, a nested
// walk that asks about each OU once, and the answers AWS never gives (a loop, no parent, a parent
// of an unknown type) as clear errors instead of hangs or guesses.
#include <gtest/gtest.h>

#include "billing_test_services.hpp"
#include "curcrunch/aws/org_tree.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;
using namespace testsupport;

namespace {

struct Fixture {
    Fixture()
        : aws("AKIAORG", "org/secret"),
          billing(aws),
          http(net::ClientOptions{}),
          rc(http, quick_retries(2)) {
        creds.access_key_id = "AKIAORG";
        creds.secret_access_key = Secret("org/secret");
        service.endpoint = aws.endpoint();
    }
    AwsTestServer aws;
    BillingServices billing;
    net::HttpClient http;
    net::ResilientClient rc;
    Credentials creds;
    JsonService service = organizations_service();
};

std::string failure_of(OrgTree& tree, const std::string& account) {
    try {
        tree.placement_of(account);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::remote);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(OrgTree, IdsFollowTheDocumentedPatterns) {
    EXPECT_TRUE(is_account_id("012345678901"));
    EXPECT_FALSE(is_account_id("01234567890"));
    EXPECT_FALSE(is_account_id("01234567890a"));
    EXPECT_TRUE(is_root_id("r-ab12"));
    EXPECT_TRUE(is_root_id("r-" + std::string(32, 'z')));
    EXPECT_FALSE(is_root_id("r-ab1"));
    EXPECT_FALSE(is_root_id("r-" + std::string(33, 'z')));
    EXPECT_FALSE(is_root_id("r-AB12"));
    EXPECT_TRUE(is_ou_id("ou-ab12-abcdefgh"));
    EXPECT_TRUE(is_ou_id("ou-" + std::string(32, 'a') + "-" + std::string(32, '9')));
    EXPECT_FALSE(is_ou_id("ou-ab1-abcdefgh"));
    EXPECT_FALSE(is_ou_id("ou-ab12-abcdefg"));
    EXPECT_FALSE(is_ou_id("ou-ab12-abcdefgh-x"));
    EXPECT_FALSE(is_ou_id("ou-ab12"));
    EXPECT_FALSE(is_ou_id("ou-ab12-abc\"efgh"));
}

TEST(OrgTree, ANestedWalkDescribesEachOuOnceAndSharesWhatItLearnt) {
    Fixture f;
    f.billing.org.add_ou("ou-ab12-11111111", "Workloads", OrgTreeService::kRoot);
    f.billing.org.add_ou("ou-ab12-22222222", "Prod / EU", "ou-ab12-11111111");
    f.billing.org.place("000000000001", "ou-ab12-22222222");
    f.billing.org.place("000000000002", "ou-ab12-22222222");
    JsonServiceClient orgs(f.rc, f.creds, f.service);
    OrgTree tree(orgs);
    const OrgPlacement one = tree.placement_of("000000000001");
    EXPECT_EQ(one.path_text(), "Root / Workloads / Prod / EU");
    EXPECT_EQ(one.ids_text(), "r-ab12/ou-ab12-11111111/ou-ab12-22222222");
    ASSERT_EQ(one.units.size(), 2u);
    EXPECT_EQ(one.units[1].arn, "arn:aws:organizations::111111111111:ou/o-test/ou-ab12-22222222");
    const OrgPlacement two = tree.placement_of("000000000002");
    EXPECT_EQ(two.ids_text(), one.ids_text());
    EXPECT_EQ(tree.ous_described(), 2);
    EXPECT_EQ(f.billing.org.calls("DescribeOrganizationalUnit"), 2);
    EXPECT_EQ(f.billing.org.calls("ListParents"), 3 * (2 + 2));  // 3 pages per answer
    const OrgPlacement root = tree.placement_of("000000000003");
    EXPECT_EQ(root.path_text(), "Root");
    EXPECT_EQ(root.ids_text(), "r-ab12");
    EXPECT_EQ(f.aws.rejected(), 0);
}

TEST(OrgTree, AnswersAwsNeverGivesAreErrorsNotHangsOrGuesses) {
    Fixture f;
    f.billing.org.add_ou("ou-ab12-33333333", "Loop", "ou-ab12-33333333");  // its own parent
    f.billing.org.place("000000000001", "ou-ab12-33333333");
    f.billing.org.orphan("000000000002");
    f.billing.org.odd_parent_type("000000000003", "ACCOUNT");
    JsonServiceClient orgs(f.rc, f.creds, f.service);
    OrgTree tree(orgs);
    EXPECT_EQ(failure_of(tree, "000000000001"),
              "organizations: more than 16 OUs above account 000000000001 (the answers form a "
              "loop)");
    EXPECT_EQ(f.billing.org.calls("DescribeOrganizationalUnit"), 1);  // asked once, cached
    EXPECT_EQ(failure_of(tree, "000000000002"),
              "organizations ListParents of 000000000002: 0 parents (a child has exactly one)");
    EXPECT_EQ(failure_of(tree, "000000000003"),
              "organizations ListParents of 000000000003 page 1: malformed response (a parent "
              "that is neither a root nor an OU id)");
}

}  // namespace CURCRUNCH_UNITY_ID
