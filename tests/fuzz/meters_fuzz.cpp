// libFuzzer harness: the input is a usage measurement file for `meters ingest`, read against a
// fixed configuration (one meter with a decimal, an integer and a string field and every
// aggregation; usage accounts a1 and a2). The same bytes are parsed as JSON lines and as CSV,
// checking what the batch promises (every offset inside its text and values, the problem list
// capped), then ingested into the in-memory store in skip mode, which must still answer.
// Only Error(input) may come out.
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/billing/measurement.hpp"
#include "curcrunch/billing/meter_ingest.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace curcrunch;

const char* kConfig = R"({
  "customers": [{"id": "c", "name": "C", "currency": "USD"}],
  "products": [{"id": "p", "name": "P"}],
  "meters": [{"id": "m", "product": "p", "name": "M", "unit": "u",
    "fields": {"d": "decimal", "n": "integer", "s": "string"},
    "aggregations": [{"id": "total", "type": "sum", "field": "d"},
                     {"id": "calls", "type": "count"},
                     {"id": "peak", "type": "max", "field": "n"},
                     {"id": "last", "type": "latest", "field": "d"},
                     {"id": "users", "type": "unique_count", "field": "s"}]}],
  "usage_plans": [{"id": "up", "name": "UP", "currency": "USD",
    "charges": [{"meter": "m", "aggregation": "total", "model": "standard", "unit_price": "1"}]}],
  "subscriptions": [{"account": "a1", "customer": "c", "plan": "up", "start": "2026-01-01"},
                    {"account": "a2", "customer": "c", "plan": "up", "start": "2026-01-01"}]
})";

const billing::BillingConfig& config() {
    static const billing::BillingConfig c = [] {
        billing::BillingConfig parsed = billing::parse_billing_config(kConfig, "fuzz-config.json");
        billing::raise_config_errors(parsed, billing::check_billing_config(parsed, {}));
        return parsed;
    }();
    return c;
}

// 2026-06-01T00:00:00Z: "now" for the ingest, so the accepted range does not move.
constexpr billing::Micros kNow = billing::Micros(1780272000) * 1000000;

void check_batch(const billing::MeasurementBatch& b, const billing::MeterCatalog& cat,
                 const std::vector<billing::MeterProblem>& problems, size_t max_problems) {
    if (problems.size() > max_problems) fuzz::finding("problems not capped", b.source);
    for (const billing::Measurement& m : b.rows) {
        if (size_t(m.uid_offset) + m.uid_length > b.text.size())
            fuzz::finding("uid outside the batch text", b.source);
        if (m.meter < 0 || size_t(m.meter) >= cat.meter_count() || m.account < 0 ||
            size_t(m.account) >= cat.account_count())
            fuzz::finding("meter or account index out of range", b.source);
        const size_t fields = cat.meter(m.meter).fields.size();
        if (size_t(m.first_value) + fields > b.values.size())
            fuzz::finding("values outside the batch", b.source);
        for (size_t i = 0; i < fields; ++i) {
            const billing::FieldValue& v = b.values[m.first_value + i];
            // Number fields share these bits with the amount: only a string has a place.
            if (cat.meter(m.meter).fields[i].type == billing::FieldType::string &&
                size_t(v.text_offset()) + v.text_length() > b.text.size())
                fuzz::finding("value text outside the batch text", b.source);
        }
    }
}

void parse_both(std::string_view bytes, const billing::MeterCatalog& cat) {
    billing::MeterParseLimits limits;
    limits.earliest = 0;
    limits.latest = kNow;
    limits.max_problems = 10;
    for (const char* name : {"fuzz.jsonl", "fuzz.csv"}) {
        billing::MeasurementBatch b;
        b.source = name;
        std::vector<billing::MeterProblem> problems;
        uint64_t bad = 0;
        billing::parse_meter_file(bytes, cat, limits, b, problems, bad);
        if (bad < problems.size()) fuzz::finding("fewer bad rows than problems", name);
        check_batch(b, cat, problems, limits.max_problems);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const billing::MeterCatalog catalog(config());
    try {
        parse_both(bytes, catalog);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) fuzz::finding("unexpected error kind", e.what());
    }
    // The whole ingest: parse, de-duplicate on uid, roll up by day, store (skip mode keeps the
    // good records). The store is shared across inputs, so uids accumulate as they would.
    store::Store& st = fuzz::memory_store();
    billing::MeterIngestOptions o;
    o.skip_bad_rows = true;
    o.now = kNow;
    for (const char* name : {"fuzz.jsonl", "fuzz.csv"}) {
        try {
            billing::ingest_meter_files(st.db(), config(), {fuzz::scratch().write(name, bytes)}, o);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::input) fuzz::finding("unexpected error kind", e.what());
        }
    }
    try {
        auto q = st.db().prepare("SELECT count(*), money_sum(value) FROM meter_daily");
        q.step();
    } catch (const std::exception& e) {
        fuzz::finding("the store no longer answers", e.what());
    }
    return 0;
}
