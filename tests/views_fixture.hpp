#pragma once
// A small CUR of two payers with a user tag (Team) and a cost category (CostCenter) over three
// months, for the views tests (views_query_test.cpp, views_cli_test.cpp): every expected figure
// there is summed by hand from these rows.
#include <string>

namespace views_fixture {

inline const char* kPayerA = "111111111111";  // its usage account: 222222222222
inline const char* kPayerB = "999999999999";  // its usage account: 333333333333

// Columns: payer, account, type, day, service, region, unblended, net unblended, blended, public
// on-demand, usage amount, tag Team, cost category CostCenter.
inline const char* kHeader =
    "bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,"
    "lineItem/ProductCode,product/region,lineItem/UnblendedCost,lineItem/NetUnblendedCost,"
    "lineItem/BlendedCost,pricing/publicOnDemandCost,lineItem/UsageAmount,resourceTags/user:Team,"
    "costCategory/CostCenter\n";
inline const char* kRows[] = {
    // August: both payers' units end on the 31st (whole months).
    /* 1 */
    "111111111111,222222222222,Usage,2026-08-05T00:00:00Z,AmazonEC2,us-east-1,10,9,11,12,5,web,CC1",
    /* 2 */
    "111111111111,222222222222,Usage,2026-08-31T00:00:00Z,AmazonS3,us-east-1,4,4,4,4,100,,CC1",
    /* 3 */
    "999999999999,333333333333,Usage,2026-08-31T00:00:00Z,AmazonEC2,eu-west-1,6,5,6,7,3,data,",
    // September: whole months too.
    /* 4 */
    ("111111111111,222222222222,Usage,2026-09-10T00:00:00Z,AmazonEC2,us-east-1,20,18,21,25,10,web,"
     "CC1"),  // one row (the parentheses tell clang the split literal is deliberate)
    /* 5 */
    "111111111111,222222222222,Usage,2026-09-30T00:00:00Z,AmazonS3,us-east-1,2,2,2,2,50,web,",
    /* 6 */
    "999999999999,333333333333,Usage,2026-09-30T00:00:00Z,AmazonEC2,eu-west-1,9,8,9,10,4,,CC2",
    /* 7 */ "999999999999,333333333333,Tax,2026-09-30T00:00:00Z,AmazonEC2,eu-west-1,1,1,1,0,0,,",
    /* 8 */
    "111111111111,222222222222,Usage,2026-09-15T00:00:00Z,AmazonEC2,us-east-1,5,5,5,5,2,web,",
    // October: payer A's data ends on the 4th, payer B's on the 15th.
    /* 9 */
    "111111111111,222222222222,Usage,2026-10-04T00:00:00Z,AmazonEC2,us-east-1,8,7,8,10,4,data,CC1",
    /* 10 */
    "999999999999,333333333333,Usage,2026-10-15T00:00:00Z,AmazonS3,eu-west-1,3,3,3,3,30,data,CC2",
};

inline std::string views_fixture_csv() {
    std::string csv = kHeader;
    for (const char* r : kRows)
        csv += std::string(r) + "\n";
    return csv;
}

}  // namespace views_fixture
