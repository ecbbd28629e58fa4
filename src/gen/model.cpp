#include "model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "curcrunch/core/hash.hpp"

namespace curcrunch::gen {
namespace {

const Service* service(const char* code) {
    for (const Service& s : kServices)
        if (std::string_view(s.code) == code) return &s;
    return nullptr;
}

}  // namespace

Model::Model(const GenOptions& o) : o_(o), rng_{o.seed * 0x2545F4914F6CDD1Dull + 7} {
    build_accounts();
    build_resources();
}

void Model::month(Period p, int month_index, const LineSink& sink) {
    const Day d0 = first_day(p), d1 = last_day(p);
    set_invoices(p);
    MonthTally tally;
    for (Day d = d0; d <= d1; ++d) {
        const double season = seasonal(d, month_index);
        const int hours = o_.hourly ? 24 : 1;
        for (int h = 0; h < hours; ++h) {
            for (const Resource& r : resources_) {
                for (int inst = 0; inst < o_.fleet; ++inst) {
                    double q = r.qty * season * (o_.hourly ? 1.0 : 24.0) * spike(r, d);
                    if (r.svc->unit == std::string_view("Hrs") ||
                        r.svc->unit == std::string_view("Hours"))
                        q = std::max(1.0, std::round(q));  // instance-hours come in whole hours
                    Line l = base(r, p, d, o_.hourly ? h : -1);
                    l.instance = static_cast<uint32_t>(inst);
                    bill_usage(l, r, micro(q), tally, sink);
                }
            }
        }
    }
    // Monthly rows: RI fees, the Savings Plan fees (per hour or day), tax, credits, a refund
    // and support.
    ri_fees(p, tally, sink);
    savings_plan_fees(p, tally, sink);
    std::map<std::string, Amount> usage_by_payer;
    for (const Account& a : accounts_) {
        auto it = tally.usage_by_acct.find(&a);
        const Amount used = it == tally.usage_by_acct.end() ? 0 : it->second;
        usage_by_payer[a.payer] += used;
        if (a.index % 2 == 0 && used > 0) {  // VAT on some accounts
            sink(account_line(a, p, "Tax", service("AmazonEC2"), "Tax for product code AmazonEC2",
                              used * 7 / 100 - (used * 7 / 100) % 100));
        }
        if (a.index == 1)
            sink(account_line(a, p, "Credit", service("AmazonEC2"), "AWS Activate Credits",
                              -micro_to_amount(micro(50.0))));
        if (a.index == 2 && month_index % 5 == 1)
            sink(account_line(a, p, "Refund", service("AmazonS3"),
                              "Refund for overbilled S3 requests", -amount_of("12.3456789")));
        if (a.index % 4 == 3) sink(marketplace_line(a, p));
    }
    // Business support, billed to each payer on the first: the larger of $100 and 10% of usage
    // (to the cent).
    for (const auto& [payer, used] : usage_by_payer) {
        const Amount tenth = used / 10 - (used / 10) % (kUnit / 100);
        sink(account_line(payer_account(payer), p, "Fee", &kSupportService,
                          kSupportService.description, std::max<Amount>(100 * kUnit, tenth)));
    }
}

void Model::set_invoices(Period p) {
    const Day today = o_.today ? o_.today : today_utc();
    const bool closed = today > last_day(p) + 3;
    invoices_.assign(accounts_.size() * 2, std::string());
    for (const Account& a : accounts_)
        for (int mp = 0; mp < 2; ++mp) {
            if (!closed) continue;
            Rng r{hash_bytes(a.payer.data(), a.payer.size()) ^ static_cast<uint64_t>(p * 2 + mp)};
            invoices_[static_cast<size_t>(a.index * 2 + mp)] =
                std::to_string(2000000000ull + r.next() % 999999999ull);
        }
}

const std::string* Model::invoice_of(const Account& a, bool marketplace) const {
    const std::string& id = invoices_[static_cast<size_t>(a.index * 2 + (marketplace ? 1 : 0))];
    return id.empty() ? nullptr : &id;
}

Line Model::marketplace_line(const Account& a, Period p) {
    Line l = account_line(a, p, "Usage", nullptr, kMarketplaceProduct.description,
                          micro_to_amount(micro(15.0 * (4 + a.index % 3))));
    l.svc = &kMarketplaceProduct;
    l.usage_type = kMarketplaceProduct.usage_type;
    l.unit = kMarketplaceProduct.unit;
    l.usage = micro_to_amount(micro(4 + a.index % 3));
    l.rate = amount_of(kMarketplaceProduct.rate);
    l.marketplace = true;
    l.invoice_id = invoice_of(a, true);
    return l;
}

const Account& Model::payer_account(const std::string& payer) const {
    for (const Account& a : accounts_)
        if (a.id == payer) return a;
    return accounts_.front();
}

void Model::build_accounts() {
    for (int p = o_.first_payer; p < o_.first_payer + o_.payers; ++p) {
        char payer[16];
        std::snprintf(
            payer, sizeof payer, "%012llu",
            static_cast<unsigned long long>(
                10000000000ull + 111111111111ull * static_cast<unsigned>(p) % 900000000000ull));
        for (int a = 0; a < o_.accounts_per_payer; ++a) {
            char id[16];
            std::snprintf(id, sizeof id, "%012llu",
                          static_cast<unsigned long long>(rng_.next() % 999999999999ull));
            accounts_.push_back(Account{payer, a == 0 ? std::string(payer) : std::string(id),
                                        static_cast<int>(accounts_.size())});
        }
    }
}

void Model::build_resources() {
    int n = 0;
    for (const Account& a : accounts_) {
        for (int k = 0; k < o_.resources_per_account; ++k, ++n) {
            // Every service appears somewhere; EC2 and S3 dominate as they do in real bills.
            int si = k < kServiceCount
                         ? (k + a.index * 7) % kServiceCount
                         : (rng_.uniform() < 0.4 ? rng_.below(5) : rng_.below(kServiceCount));
            const Service* s = &kServices[si];
            Resource r;
            r.acct = &a;
            r.svc = s;
            r.region = &kRegions[rng_.below(10) < 6 ? 0 : 1 + rng_.below(4)];
            r.usage_type = std::string(r.region->prefix) + s->usage_type;
            char rid[64];
            std::snprintf(rid, sizeof rid, "%s-%08llx", s->code,
                          static_cast<unsigned long long>(rng_.next() & 0xffffffffull));
            r.resource_id = rid;
            r.od_rate = amount_of(s->rate);
            char desc[256];
            std::snprintf(desc, sizeof desc, s->description, s->rate);
            r.description = desc;
            r.qty = s->base_qty * (0.5 + 2.0 * rng_.uniform());
            r.cover = Cover::none;
            bool compute = std::string_view(s->usage_type).find("BoxUsage") == 0;
            if (compute && n % 3 == 0) {
                r.cover = Cover::ri;
                r.cover_rate = r.od_rate * 62 / 100;
                r.arn = "arn:aws:ec2:" + std::string(r.region->code) + ":" + a.payer +
                        ":reserved-instances/" + rid;
            } else if (compute && n % 3 == 1) {
                r.cover = Cover::sp;
                r.cover_rate = r.od_rate * 72 / 100;
                // One Compute Savings Plan per payer, shared by its accounts.
                r.arn = "arn:aws:savingsplans::" + a.payer + ":savingsplan/cs-" + a.payer;
            }
            if (rng_.uniform() > 0.25) {
                r.team = kTeams[rng_.below(5)];
                r.env = kEnvs[rng_.below(3)];
                r.cost_center = "cc-" + std::to_string(1000 + rng_.below(8));
            }
            // A cost category rule keyed on the team tag, as billing teams set them up.
            r.business_unit = r.team.empty()        ? "Unallocated"
                              : r.team == "web"     ? "Product"
                              : r.team == "finance" ? "Corporate"
                                                    : "Engineering";
            r.spiky =
                std::string_view(s->usage_type).find("DataTransfer") != std::string_view::npos;
            resources_.push_back(std::move(r));
        }
    }
}

double Model::seasonal(Day d, int month_index) const {
    CivilDate c = civil_from_days(d);
    double doy = static_cast<double>(d - days_from_civil(c.year, 1, 1));
    double f = 1.0 + 0.2 * std::sin(2 * M_PI * (doy - 80) / 365.0);
    f *= 1.0 + 0.03 * month_index;  // steady growth
    int wd = ((d % 7) + 11) % 7;    // 0 = Monday
    if (wd >= 5) f *= 0.85;
    return f;
}
double Model::spike(const Resource& r, Day d) const {
    if (!r.spiky) return 1.0;
    uint64_t h = static_cast<uint64_t>(d) * 0x9e3779b97f4a7c15ull ^ o_.seed ^
                 static_cast<uint64_t>(r.acct->index);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return (h >> 58) == 0 ? 6.0 : 1.0;  // about one day in 64
}

Line Model::base(const Resource& r, Period p, Day d, int hour) {
    Line l{};
    l.acct = r.acct;
    l.period = p;
    l.day = d;
    l.hour = hour;
    l.whole_period = false;
    l.type = "Usage";
    l.res = &r;
    l.svc = r.svc;
    l.region = r.region;
    l.usage_type = r.usage_type;
    l.description = r.description;
    l.operation = r.svc->operation;
    l.unit = r.svc->unit;
    l.term = "OnDemand";
    l.invoice_id = invoice_of(*r.acct, false);
    l.id = ++id_;
    return l;
}

Line Model::account_line(const Account& a, Period p, const char* type, const Service* svc,
                         const char* desc, Amount cost) {
    Line l{};
    l.acct = &a;
    l.period = p;
    l.day = first_day(p);
    l.hour = -1;
    l.whole_period = true;
    l.type = type;
    l.svc = svc;
    l.description = desc;
    l.operation = "";
    l.unit = "";
    l.term = "";
    l.unblended = cost;
    l.amortized = cost;
    l.invoice_id = invoice_of(a, false);
    l.id = ++id_;
    return l;
}

}  // namespace curcrunch::gen
