#include "writers.hpp"

namespace curcrunch::gen {
namespace {

class Cur2Writer : public Writer {
  public:
    explicit Cur2Writer(bool hourly) : hourly_(hourly) {}
    void header(std::string& b) override {
        b += "bill_bill_type,bill_billing_entity,bill_billing_period_end_date,"
             "bill_billing_period_start_date,bill_invoice_id,bill_invoicing_entity,"
             "bill_payer_account_id,bill_payer_account_name,cost_category,identity_line_item_id,"
             "identity_time_interval,line_item_availability_zone,line_item_blended_cost,"
             "line_item_blended_rate,line_item_currency_code,line_item_legal_entity,"
             "line_item_line_item_description,line_item_line_item_type,"
             "line_item_net_unblended_cost,line_item_operation,line_item_product_code,"
             "line_item_resource_id,line_item_unblended_cost,line_item_unblended_rate,"
             "line_item_usage_account_id,line_item_usage_account_name,line_item_usage_amount,"
             "line_item_usage_end_date,line_item_usage_start_date,line_item_usage_type,"
             "pricing_public_on_demand_cost,pricing_public_on_demand_rate,pricing_term,"
             "pricing_unit,product,product_region_code,reservation_effective_cost,"
             "reservation_reservation_a_r_n,reservation_unused_amortized_upfront_fee_for_billing_"
             "period,"
             "reservation_unused_recurring_fee,resource_tags,savings_plan_savings_plan_a_r_n,"
             "savings_plan_savings_plan_effective_cost,savings_plan_total_commitment_to_date,"
             "savings_plan_used_commitment\n";
    }
    bool row(std::string& b, const Line& l) override {
        LineTimes t = times(l, true, false, hourly_);
        const Resource* r = l.res;
        auto amt = [](Amount a) {
            // CUR 2.0 exports print tiny values in exponent form; exercise that path.
            if (a != 0 && a > -1000 && a < 1000) {
                std::string m = to_plain_string(a * 1000000);  // value x 10^6
                return m + "E-6";
            }
            return money_text(a);
        };
        b.append("Anniversary,").append(billing_entity(l)).append(",");
        b.append(period_end_ts(l.period, true, false)).append(",");
        b.append(ts(first_day(l.period), 0, true, false)).append(",");
        b.append(l.invoice_id ? *l.invoice_id : "").append(",\"Amazon Web Services, Inc.\",");
        b.append(l.acct->payer).append(",payer-").append(l.acct->payer.substr(8)).append(",");
        put_csv(b, r ? "{\"Business Unit\":\"" + r->business_unit + "\"}" : std::string("{}"));
        b.append(",");
        b.append(line_id(l.id)).append(",").append(t.start).append("/").append(t.end).append(",");
        if (r && r->region) b.append(r->region->code).append("a");
        b.append(",").append(amt(l.unblended)).append(",").append(money_text(l.rate));
        b.append(",USD,");
        put_csv(b, legal_entity(l));
        b.append(",");
        put_csv(b, l.description);
        b.append(",").append(l.type).append(",").append(amt(l.unblended)).append(",");
        b.append(l.operation).append(",").append(l.svc ? l.svc->code : "").append(",");
        b.append(resource_id_of(l)).append(",").append(amt(l.unblended)).append(",");
        b.append(money_text(l.rate)).append(",").append(l.acct->id).append(",acct-");
        b.append(l.acct->id.substr(8)).append(",").append(money_text(l.usage)).append(",");
        b.append(t.end).append(",").append(t.start).append(",").append(l.usage_type).append(",");
        b.append(money_text(l.public_od)).append(",");
        b.append(r ? money_text(r->od_rate) : "").append(",").append(l.term).append(",");
        b.append(l.unit).append(",");
        std::string product = "{\"product_name\":\"" + json_escape(l.svc ? l.svc->name : "") +
                              "\",\"servicecode\":\"" + (l.svc ? l.svc->code : "") + "\"}";
        put_csv(b, product);
        b.append(",").append(l.region ? l.region->code : "").append(",");
        b.append(l.ri_effective || !l.reservation_arn.empty() ? money_text(l.ri_effective) : "");
        b.append(",").append(l.reservation_arn).append(",");
        b.append(l.type == std::string_view("RIFee") ? "0" : "").append(",");
        b.append(l.type == std::string_view("RIFee") ? money_text(l.ri_unused_recurring) : "");
        b.append(",");
        std::string tags = "{";
        if (r) {
            auto add = [&](const char* k, const std::string& v) {
                if (v.empty()) return;
                if (tags.size() > 1) tags += ',';
                tags += "\"" + std::string(k) + "\":\"" + json_escape(v) + "\"";
            };
            add("user_cost_center", r->cost_center);
            add("user_environment", r->env);
            add("user_team", r->team);
            if (!r->team.empty()) add("aws_created_by", "AssumedRole:AROAEXAMPLE:ci");
        }
        tags += "}";
        put_csv(b, tags);
        b.append(",").append(l.sp_arn).append(",");
        b.append(l.sp_effective ? money_text(l.sp_effective) : "").append(",");
        b.append(l.sp_total ? money_text(l.sp_total) : "").append(",");
        b.append(l.sp_used ? money_text(l.sp_used) : "").append("\n");
        return true;
    }

  private:
    bool hourly_;
};

}  // namespace

std::unique_ptr<Writer> make_cur2_writer(bool hourly) {
    return std::make_unique<Cur2Writer>(hourly);
}

}  // namespace curcrunch::gen
