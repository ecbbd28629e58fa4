// curcrunch gen: deterministic synthetic CUR data (gen/generator.hpp).
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/gen/generator.hpp"

namespace curcrunch::cli {
namespace {

class GenCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"gen",
                "write synthetic CUR data (the same seed gives the same bill)",
                "curcrunch gen --out /tmp/cur.csv.gz --gzip --target-size 2G\n"
                "curcrunch gen --layout --daily --months 12 --out samples\n"
                "curcrunch gen --dialect cur2 --format parquet --out /tmp/cur2.parquet",
                {}};
    }

    void declare(OptionSet& o) override {
        const gen::GenOptions d;  // the defaults --help shows
        auto num = [](auto v) { return std::to_string(v); };
        o.value("--out", out_, "PATH", "output file, or with --layout a folder (required)");
        o.value("--dialect", dialect_, "D", "legacy, cur2 or focus", "legacy");
        o.value("--format", format_, "F",
                "csv, or parquet (CUR 2.0 as AWS writes it; needs --dialect cur2)", "csv");
        o.value("--parquet-codec", parquet_codec_, "C", "Parquet page compression: snappy or none",
                "snappy");
        o.value("--start", start_, "YYYY-MM", "first month", format_period(d.start));
        o.value("--months", months_, "N", "number of months", num(d.months));
        o.value("--seed", seed_, "N", "random seed", num(d.seed));
        o.value("--payers", payers_, "N", "payer accounts", num(d.payers));
        o.value("--first-payer", first_payer_, "N",
                "number of the first payer (ids follow from it: exports with other numbers hold "
                "other payers)",
                num(d.first_payer));
        o.value("--accounts", accounts_, "N", "linked accounts per payer",
                num(d.accounts_per_payer));
        o.value("--resources", resources_, "N", "usage series per account",
                num(d.resources_per_account));
        o.value("--fleet", fleet_, "N", "line items per series and hour (instances of a fleet)",
                num(d.fleet));
        o.value("--target-size", target_size_, "SIZE",
                "choose --fleet to make about SIZE uncompressed bytes (500M, 2G)");
        o.flag("--daily", daily_, "one row per series and day instead of per hour");
        o.flag("--gzip", gzip_, "write gzip");
        o.value("--gzip-level", gzip_level_, "N", "gzip level, 1..9", num(d.gzip_level));
        o.flag("--layout", layout_, "write the S3 layout with a manifest per month");
        o.value("--report-name", report_name_, "NAME", "report or export name in the layout",
                d.report_name);
        o.value("--as-of", as_of_, "YYYY-MM-DD",
                "the day that decides which months are final (have invoice ids)", "today");
    }

    int run() override {
        gen::GenOptions o;
        if (out_) o.out = *out_;
        if (dialect_ && !gen::parse_out_dialect(*dialect_, o.dialect))
            throw_usage("--dialect: expected legacy, cur2 or focus; got '" + *dialect_ + "'");
        if (format_ && !gen::parse_out_format(*format_, o.format))
            throw_usage("--format: expected csv or parquet; got '" + *format_ + "'");
        if (parquet_codec_) {
            if (*parquet_codec_ != "snappy" && *parquet_codec_ != "none")
                throw_usage("--parquet-codec: expected snappy or none; got '" + *parquet_codec_ +
                            "'");
            if (o.format != gen::OutFormat::parquet)
                throw_usage("--parquet-codec: only with --format parquet");
            o.parquet_snappy = *parquet_codec_ == "snappy";
        }
        if (start_) o.start = parse_month("--start", *start_);
        if (months_) o.months = parse_int("--months", *months_, 1, 120);
        if (seed_) o.seed = static_cast<uint64_t>(parse_int("--seed", *seed_, 0, 2000000000));
        if (payers_) o.payers = parse_int("--payers", *payers_, 1, 50);
        if (first_payer_) o.first_payer = parse_int("--first-payer", *first_payer_, 0, 99);
        if (accounts_) o.accounts_per_payer = parse_int("--accounts", *accounts_, 1, 500);
        if (resources_) o.resources_per_account = parse_int("--resources", *resources_, 1, 100000);
        if (fleet_) o.fleet = parse_int("--fleet", *fleet_, 1, 100000);
        if (target_size_) o.target_bytes = parse_size("--target-size", *target_size_);
        if (gzip_level_) o.gzip_level = parse_int("--gzip-level", *gzip_level_, 1, 9);
        if (report_name_) o.report_name = *report_name_;
        if (as_of_) o.today = parse_day("--as-of", *as_of_);
        o.gzip = gzip_;
        o.hourly = !daily_;
        o.layout = layout_;
        const auto st = gen::generate(o);
        std::printf("wrote %llu rows, %.1f MB uncompressed, in %d file(s) under %s\n",
                    static_cast<unsigned long long>(st.rows), static_cast<double>(st.bytes) / 1e6,
                    st.files, o.out.c_str());
        return 0;
    }

  private:
    std::optional<std::string> out_, dialect_, format_, parquet_codec_, start_, months_, seed_,
        payers_, first_payer_, accounts_, resources_, fleet_, target_size_, gzip_level_,
        report_name_, as_of_;
    bool daily_ = false, gzip_ = false, layout_ = false;
};

}  // namespace

std::unique_ptr<Command> make_gen_command() {
    return std::make_unique<GenCommand>();
}

}  // namespace curcrunch::cli
