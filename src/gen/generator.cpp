#include "curcrunch/gen/generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "curcrunch/core/error.hpp"
#include "model.hpp"
#include "output.hpp"
#include "writers.hpp"

namespace curcrunch::gen {
namespace fs = std::filesystem;

std::unique_ptr<Writer> make_writer(OutDialect d, bool hourly) {
    switch (d) {
        case OutDialect::cur2:
            return make_cur2_writer(hourly);
        case OutDialect::focus:
            return make_focus_writer(hourly);
        default:
            return make_legacy_writer(hourly);
    }
}

namespace {

std::string uuid_for(uint64_t seed, Period p) {
    Rng r{seed * 31 + static_cast<uint64_t>(p)};
    char buf[40];
    uint64_t a = r.next(), b = r.next();
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-a%03llx-%012llx",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xfff),
                  static_cast<unsigned long long>(b >> 52),
                  static_cast<unsigned long long>(b & 0xffffffffffffull));
    return buf;
}

double bytes_per_row(OutDialect d) {
    switch (d) {
        case OutDialect::cur2:
            return 755;
        case OutDialect::focus:
            return 673;
        default:
            return 699;
    }
}

}  // namespace

bool parse_out_format(const std::string& s, OutFormat& out) {
    if (s == "csv")
        out = OutFormat::csv;
    else if (s == "parquet")
        out = OutFormat::parquet;
    else
        return false;
    return true;
}

bool parse_out_dialect(const std::string& s, OutDialect& out) {
    if (s == "legacy" || s == "cur-legacy")
        out = OutDialect::legacy;
    else if (s == "cur2")
        out = OutDialect::cur2;
    else if (s == "focus")
        out = OutDialect::focus;
    else
        return false;
    return true;
}

GenStats generate(const GenOptions& in) {
    GenOptions o = in;
    if (o.out.empty()) throw_usage("gen: --out is required");
    if (o.months < 1 || o.months > 120) throw_usage("gen: --months must be 1..120");
    if (o.target_bytes > 0) {
        double hours = 0;
        for (int m = 0; m < o.months; ++m) {
            Period p = add_months(o.start, m);
            hours += (last_day(p) - first_day(p) + 1) * (o.hourly ? 24.0 : 1.0);
        }
        // The organisation stays as given; bigger files come from bigger fleets (more line
        // items per series and hour), which is how real bills grow.
        double series = o.payers * o.accounts_per_payer * o.resources_per_account;
        o.fleet = std::max(
            1, static_cast<int>(std::llround(static_cast<double>(o.target_bytes) /
                                             (hours * series * bytes_per_row(o.dialect)))));
    }
    const bool parquet = o.format == OutFormat::parquet;
    if (parquet && o.dialect != OutDialect::cur2)
        throw_usage("gen: --format parquet writes CUR 2.0 (use --dialect cur2)");
    if (parquet && o.gzip) throw_usage("gen: --gzip is for CSV; Parquet compresses its pages");
    const auto output = [&](const std::string& path) {
        std::unique_ptr<Cur2Parquet> pq;
        if (parquet)
            pq = std::make_unique<Cur2Parquet>(
                path, o.parquet_snappy ? ParquetCodec::snappy : ParquetCodec::uncompressed);
        return std::make_unique<Output>(path, o.gzip, o.gzip_level, std::move(pq));
    };
    Model model(o);
    GenStats st;
    const char* ext = parquet  ? (o.parquet_snappy ? ".snappy.parquet" : ".parquet")
                      : o.gzip ? ".csv.gz"
                               : ".csv";
    if (!o.layout) {
        if (fs::path(o.out).has_parent_path())
            fs::create_directories(fs::path(o.out).parent_path());
        const auto out = output(o.out);
        auto w = make_writer(o.dialect, o.hourly);
        w->header(out->buf());
        for (int m = 0; m < o.months; ++m) {
            model.month(add_months(o.start, m), m, [&](const Line& l) {
                if (w->row(out->buf(), l)) ++st.rows;
                out->maybe_flush();
            });
        }
        st.bytes = out->bytes();
        out->close();
        st.files = 1;
        return st;
    }
    // S3 layout with a manifest per month.
    const std::string& rn = o.report_name;
    for (int m = 0; m < o.months; ++m) {
        Period p = add_months(o.start, m);
        std::string assembly = uuid_for(o.seed, p);
        fs::path data, manifest_dir;
        std::string key_prefix = "billing/" + rn + "/";
        std::string manifest;
        if (o.dialect == OutDialect::legacy) {
            char range[32];
            CivilDate a = civil_from_days(first_day(p)),
                      b = civil_from_days(first_day(add_months(p, 1)));
            std::snprintf(range, sizeof range, "%04d%02u%02u-%04d%02u%02u", a.year, a.month, a.day,
                          b.year, b.month, b.day);
            fs::path period_dir = fs::path(o.out) / rn / range;
            data = period_dir / assembly / (rn + "-00001" + ext);
            manifest_dir = period_dir;
            std::string key = key_prefix + range + "/" + assembly + "/" + rn + "-00001" + ext;
            char bp[96];
            std::snprintf(
                bp, sizeof bp,
                "{\"start\":\"%04d%02u%02uT000000.000Z\",\"end\":\"%04d%02u%02uT000000.000Z\"}",
                a.year, a.month, a.day, b.year, b.month, b.day);
            manifest = "{\n  \"assemblyId\":\"" + assembly + "\",\n  \"account\":\"" +
                       model.first_payer() +
                       "\",\n"
                       "  \"charset\":\"UTF-8\",\n  \"compression\":\"" +
                       std::string(o.gzip ? "GZIP" : "NONE") +
                       "\",\n  \"contentType\":\"text/csv\",\n  \"reportName\":\"" + rn +
                       "\",\n  \"billingPeriod\":" + bp +
                       ",\n  \"bucket\":\"example-billing\",\n"
                       "  \"reportKeys\":[\"" +
                       key + "\"],\n  \"additionalArtifactKeys\":[]\n}\n";
            write_text(period_dir / assembly / (rn + "-Manifest.json"), manifest);
        } else {
            std::string part = "BILLING_PERIOD=" + format_period(p);
            fs::path root = fs::path(o.out) / rn;
            data = root / "data" / part / (rn + "-00001" + ext);
            manifest_dir = root / "metadata" / part;
            manifest = "{\n  \"executionId\":\"" + assembly +
                       "\",\n  \"billingPeriod\":{\"start\":\"" + format_day(first_day(p)) +
                       "T00:00:00.000Z\"},\n  \"dataFiles\":[\"s3://example-billing/" + key_prefix +
                       "data/" + part + "/" + rn + "-00001" + ext + "\"]\n}\n";
        }
        fs::create_directories(data.parent_path());
        const auto out = output(data.string());
        auto w = make_writer(o.dialect, o.hourly);
        w->header(out->buf());
        model.month(p, m, [&](const Line& l) {
            if (w->row(out->buf(), l)) ++st.rows;
            out->maybe_flush();
        });
        st.bytes += out->bytes();
        out->close();
        write_text(manifest_dir / (rn + "-Manifest.json"), manifest);
        ++st.files;
    }
    return st;
}

}  // namespace curcrunch::gen