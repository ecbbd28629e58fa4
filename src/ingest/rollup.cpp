#include "curcrunch/ingest/rollup.hpp"

#include <string>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::ingest {
namespace {

// "2024-01-03, account 012345678901, service AmazonEC2": enough to find the rows of a group.
std::string group_text(const StringPool& pool, Day day, uint32_t account, uint32_t product) {
    return format_day(day) + ", account " + shown_text(pool.at(account)) + ", service " +
           shown_text(pool.at(product));
}

std::string too_large(const char* measure, const std::string& group, const char* bound) {
    return std::string("the sum of ") + measure + " for " + group + " exceeds " + bound +
           " in magnitude";
}

// Adds b's measures into a's, checking each running sum against kMaxRunning (see
// core/money.hpp for why the per-row adds that built b need no check and these cannot
// overflow; the stored bound is checked once all is merged, by first_out_of_bound).
struct Merger {
    const StringPool& pool;  // the merged rollup's pool: group names are looked up here
    void add(Amount& acc, Amount v, const char* measure, Day day, uint32_t account,
             uint32_t product) const {
        if (!add_within(acc, v, kMaxRunning))
            throw_input(too_large(measure, group_text(pool, day, account, product), "2^120"));
    }
};

// The first of `n` measures of a group beyond kMaxAmount, as a message, or "".
std::string first_beyond(const StringPool& pool, const Amount* const* v, const char* const* names,
                         int n, Day day, uint32_t account, uint32_t product) {
    for (int i = 0; i < n; ++i)
        if (!within_amount_bound(*v[i]))
            return too_large(names[i], group_text(pool, day, account, product), kMaxAmountText);
    return {};
}

}  // namespace

void Rollup::merge_from(const Rollup& other) {
    // Translate the other pool's ids once each.
    std::vector<uint32_t> map(other.pool.size(), UINT32_MAX);
    auto tr = [&](uint32_t id) {
        uint32_t& m = map[id];
        if (m == UINT32_MAX) m = pool.intern(other.pool.at(id));
        return m;
    };
    const Merger mg{pool};
    for (const auto& e : other.cost.entries()) {
        CostKey k = e.key;
        for (uint32_t& d : k.dim)
            d = tr(d);
        CostSums& a = cost[k];
        const CostSums& b = e.value;
        const uint32_t acc = k.dim[kDimUsageAccount], prod = k.dim[kDimProductCode];
        mg.add(a.unblended, b.unblended, "unblended cost", k.day, acc, prod);
        mg.add(a.blended, b.blended, "blended cost", k.day, acc, prod);
        mg.add(a.net_unblended, b.net_unblended, "net unblended cost", k.day, acc, prod);
        mg.add(a.amortized, b.amortized, "amortized cost", k.day, acc, prod);
        mg.add(a.public_on_demand, b.public_on_demand, "public on-demand cost", k.day, acc, prod);
        mg.add(a.usage, b.usage, "usage amount", k.day, acc, prod);
        mg.add(a.tagged_unblended, b.tagged_unblended, "tagged cost", k.day, acc, prod);
        a.rows += b.rows;
    }
    for (const auto& e : other.lines.entries()) {
        LineKey k = e.key;
        k.usage_account = tr(k.usage_account);
        k.product_code = tr(k.product_code);
        k.usage_type = tr(k.usage_type);
        k.line_item_type = tr(k.line_item_type);
        k.description = tr(k.description);
        k.unit = tr(k.unit);
        k.currency = tr(k.currency);
        LineSums& s = lines[k];
        const uint32_t acc = k.usage_account, prod = k.product_code;
        mg.add(s.unblended, e.value.unblended, "unblended cost", k.day, acc, prod);
        mg.add(s.amortized, e.value.amortized, "amortized cost", k.day, acc, prod);
        mg.add(s.usage, e.value.usage, "usage amount", k.day, acc, prod);
        s.rows += e.value.rows;
    }
    for (const auto& e : other.tags.entries()) {
        TagKey k = e.key;
        k.usage_account = tr(k.usage_account);
        k.product_code = tr(k.product_code);
        k.key = tr(k.key);
        k.value = tr(k.value);
        k.currency = tr(k.currency);
        TagSums& s = tags[k];
        const uint32_t acc = k.usage_account, prod = k.product_code;
        mg.add(s.unblended, e.value.unblended, "tagged unblended cost", k.day, acc, prod);
        mg.add(s.amortized, e.value.amortized, "tagged amortized cost", k.day, acc, prod);
        s.rows += e.value.rows;
    }
}

std::string Rollup::first_out_of_bound() const {
    for (const auto& e : cost.entries()) {
        const CostSums& c = e.value;
        const Amount* v[] = {&c.unblended,        &c.blended, &c.net_unblended,   &c.amortized,
                             &c.public_on_demand, &c.usage,   &c.tagged_unblended};
        const char* names[] = {"unblended cost", "blended cost",          "net unblended cost",
                               "amortized cost", "public on-demand cost", "usage amount",
                               "tagged cost"};
        std::string why = first_beyond(pool, v, names, 7, e.key.day, e.key.dim[kDimUsageAccount],
                                       e.key.dim[kDimProductCode]);
        if (!why.empty()) return why;
    }
    for (const auto& e : lines.entries()) {
        const Amount* v[] = {&e.value.unblended, &e.value.amortized, &e.value.usage};
        const char* names[] = {"unblended cost", "amortized cost", "usage amount"};
        std::string why =
            first_beyond(pool, v, names, 3, e.key.day, e.key.usage_account, e.key.product_code);
        if (!why.empty()) return why;
    }
    for (const auto& e : tags.entries()) {
        const Amount* v[] = {&e.value.unblended, &e.value.amortized};
        const char* names[] = {"tagged unblended cost", "tagged amortized cost"};
        std::string why =
            first_beyond(pool, v, names, 2, e.key.day, e.key.usage_account, e.key.product_code);
        if (!why.empty()) return why;
    }
    return {};
}

}  // namespace curcrunch::ingest
