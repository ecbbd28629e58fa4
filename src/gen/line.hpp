#pragma once
// One logical line item of the synthetic bill (internal to src/gen), the accounts and usage
// series it belongs to, and the exact arithmetic and text helpers every dialect writer shares.
#include <cstdint>
#include <string>
#include <string_view>

#include "catalogue.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::gen {

enum class Cover { none, ri, sp };

struct Account {
    std::string payer, id;
    int index;
};

struct Resource {
    const Account* acct;
    const Service* svc;
    const Region* region;
    std::string usage_type, resource_id, description, team, env, cost_center, business_unit;
    Amount od_rate, cover_rate;
    double qty;  // per hour
    Cover cover;
    std::string arn;
    bool spiky;
};

// ---------------------------------------------------------------- one logical line item
struct Line {
    const Account* acct;
    Period period;
    Day day;
    int hour;  // -1: spans the whole period (monthly rows) or the whole day (daily export)
    bool whole_period;
    const char* type;
    const Resource* res;  // nullptr for account-level rows (tax, credit, refund)
    const Service* svc;
    const Region* region;
    std::string usage_type, description;
    const char* operation;
    const char* unit;
    const char* term;
    Amount usage, rate, unblended, public_od, amortized;
    Amount ri_effective, sp_effective, ri_unused_recurring, sp_total, sp_used;
    std::string reservation_arn, sp_arn;
    const std::string* invoice_id;  // nullptr until AWS finalizes the month
    bool marketplace;               // billed by AWS Marketplace, sold by kMarketplaceSeller
    uint64_t id;
    uint32_t instance;  // member of the resource's fleet (distinct resource ids, same groups)
};

std::string resource_id_of(const Line& l);
Amount amount_of(const char* dec);
// qty (units of 1e-6, as integer) x rate (1e-10) -> 1e-10, rounded half up on the 1e-6 shift.
Amount mul(Amount qty_micro, Amount rate);
Amount micro(double x);
Amount micro_to_amount(Amount m);
std::string money_text(Amount v);
std::string ts(Day d, int hour, bool millis, bool space);
std::string period_end_ts(Period p, bool millis, bool space);
struct LineTimes {
    std::string start, end;
};
LineTimes times(const Line& l, bool millis, bool space, bool hourly);
std::string line_id(uint64_t id);
void put_csv(std::string& b, std::string_view v);
std::string json_escape(std::string_view s);
const char* billing_entity(const Line& l);  // "AWS" or "AWS Marketplace"
const char* legal_entity(const Line& l);    // the seller of record

}  // namespace curcrunch::gen
