#pragma once
// A small billing world for the tests: a legacy CUR written from explicit rows (so every amount
// is known), ingested by the real binary into a temporary store, a billing configuration file,
// and helpers to run `billing` and `meters` and read the invoices they write.
#include <string>
#include <vector>

#include "curcrunch/billing/invoice_json.hpp"
#include "test_support.hpp"

namespace billingtest {
using namespace testsupport;

struct CurRow {
    std::string payer, account, type, product, product_name, usage_type, operation;
    std::string usage = "0", unblended = "0", public_od = "0", effective = "";
    std::string sp_arn = "", ri_arn = "";
    std::string day = "2026-03-05";
    std::string invoice = "";  // bill/InvoiceId: AWS fills it once the month is invoiced
    // Savings Plan fee rows: the commitment to date and its used part (amortized = the unused
    // part); RI fee rows: the unused amortized upfront and unused recurring fee.
    std::string sp_total = "", sp_used = "", ri_unused_upfront = "", ri_unused_recurring = "";
    std::string unit = "Hrs";  // pricing/unit
};

inline std::string cur_csv(const std::vector<CurRow>& rows) {
    std::string s =
        "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingEntity,"
        "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,"
        "lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/UsageAmount,"
        "lineItem/UnblendedCost,lineItem/BlendedCost,lineItem/NetUnblendedCost,"
        "pricing/publicOnDemandCost,lineItem/LineItemDescription,product/ProductName,"
        "product/region,pricing/term,pricing/unit,savingsPlan/SavingsPlanARN,"
        "savingsPlan/SavingsPlanEffectiveCost,reservation/ReservationARN,"
        "reservation/EffectiveCost,lineItem/CurrencyCode,bill/InvoiceId,"
        "savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment,"
        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,reservation/UnusedRecurringFee\n";
    int n = 0;
    for (const CurRow& r : rows) {
        const bool sp = !r.sp_arn.empty(), ri = !r.ri_arn.empty();
        s += "li" + std::to_string(++n) + "," + r.payer + "," + r.day.substr(0, 7) +
             "-01T00:00:00Z,AWS," + r.account + "," + r.type + "," + r.day + "T05:00:00Z," +
             r.product + "," + r.usage_type + "," + r.operation + "," + r.usage + "," +
             r.unblended + "," + r.unblended + "," + r.unblended + "," + r.public_od + "," +
             r.type + " of " + r.product + "," + r.product_name + ",us-east-1,OnDemand," + r.unit +
             "," + r.sp_arn + "," + (sp ? r.effective : "") + "," + r.ri_arn + "," +
             (ri ? r.effective : "") + ",USD," + r.invoice + "," + r.sp_total + "," + r.sp_used +
             "," + r.ri_unused_upfront + "," + r.ri_unused_recurring + "\n";
    }
    return s;
}

struct World {
    TempDir tmp;
    std::string db = tmp / "store.db";
    std::string config = tmp / "billing.json";
    std::string out = tmp / "invoices";

    void ingest(const std::vector<CurRow>& rows, const std::string& name = "cur.csv") {
        write_file(tmp / name, cur_csv(rows));
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / name});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    void write_config(const std::string& json) { write_file(config, json); }
    RunResult run(const std::string& period, std::vector<std::string> extra = {}) {
        std::vector<std::string> a = {"billing", "run",      "--db", db,      "--config",
                                      config,    "--period", period, "--out", out};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_cli(a);
    }
    RunResult meters(const std::vector<std::string>& files, std::vector<std::string> extra = {}) {
        std::vector<std::string> a = {"meters", "ingest", "--db", db, "--config", config};
        a.insert(a.end(), extra.begin(), extra.end());
        a.insert(a.end(), files.begin(), files.end());
        return run_cli(a);
    }
    curcrunch::billing::InvoiceDocument invoice(const std::string& id) const {
        return curcrunch::billing::parse_invoice_json(read_file(out + "/" + id + ".json"));
    }
};

// What `fetch` stores once AWS has issued a payer's invoice for a month (the invoice table).
inline void aws_invoice_arrives(const std::string& db_path, const std::string& payer, int period,
                                const std::string& invoice_id) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "INSERT INTO invoice(invoice_id, payer_profile, account_id, period, invoice_type, "
        "bill_type, frequency, billing_entity, invoicing_entity, commercial_invoice_id, "
        "original_invoice_id, purchase_order, issued_at, due_at, base_currency, base_total, "
        "base_before_tax, base_subtotal, base_discounts, base_taxes, base_fees, tax_currency, "
        "tax_total, tax_taxes, tax_exchange_rate, payment_currency, payment_total, "
        "payment_before_tax, payment_taxes, payment_exchange_rate, payment_method, fetched_at) "
        "VALUES ('" +
        invoice_id + "', 'main', '" + payer + "', " + std::to_string(period) +
        ", 'INVOICE', 'ANNIVERSARY', 'MONTHLY', 'AWS', 'AWS EMEA', '', '', '', '2026-04-02', "
        "'2026-05-02', 'USD', 0, 0, 0, 0, 0, 0, 'USD', 0, 0, '1', 'USD', 0, 0, 0, '1', '', "
        "'2026-04-03T00:00:00Z')";
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

// The tests' shell runner (stdout and stderr together) is testsupport's.
using testsupport::Shell;
inline Shell shell(const std::string& cmd) {
    return testsupport::sh(cmd);
}

// One table of a store file, every row, sorted (test_support's dump_relation on a path).
inline std::string dump_relation_of(const std::string& db_path, const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out = dump_relation(db, table);
    sqlite3_close(db);
    return out;
}

// "kind|account|service|amount" per line, then "subtotal|tax|total": an invoice in one string.
inline std::string summary(const curcrunch::billing::Invoice& inv) {
    using curcrunch::billing::minor_text;
    std::string s;
    for (const auto& l : inv.lines)
        s += std::string(curcrunch::billing::line_kind_name(l.kind)) + "|" + l.account + "|" +
             l.service + "|" + minor_text(l.amount, inv.minor_units) + "\n";
    s += "subtotal " + minor_text(inv.totals.subtotal, inv.minor_units) + " tax " +
         minor_text(inv.totals.tax, inv.minor_units) + " total " +
         minor_text(inv.totals.total, inv.minor_units) + "\n";
    return s;
}

}  // namespace billingtest
