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
        "reservation/EffectiveCost,lineItem/CurrencyCode\n";
    int n = 0;
    for (const CurRow& r : rows) {
        const bool sp = !r.sp_arn.empty(), ri = !r.ri_arn.empty();
        s += "li" + std::to_string(++n) + "," + r.payer + "," + r.day.substr(0, 7) +
             "-01T00:00:00Z,AWS," + r.account + "," + r.type + "," + r.day + "T05:00:00Z," +
             r.product + "," + r.usage_type + "," + r.operation + "," + r.usage + "," +
             r.unblended + "," + r.unblended + "," + r.unblended + "," + r.public_od + "," +
             r.type + " of " + r.product + "," + r.product_name + ",us-east-1,OnDemand,Hrs," +
             r.sp_arn + "," + (sp ? r.effective : "") + "," + r.ri_arn + "," +
             (ri ? r.effective : "") + ",USD\n";
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

struct Shell {
    int code;
    std::string out;
};

// A shell command line (the tools the tests check with: qpdf, pdftoppm, pdftotext), stdout and
// stderr together.
inline Shell shell(const std::string& cmd) {
    Shell r{0, ""};
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    const int st = ::pclose(p);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
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
