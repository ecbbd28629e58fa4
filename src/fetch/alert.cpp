#include "curcrunch/fetch/alert.hpp"

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"

namespace curcrunch::fetch {

std::string alert_json(const AlertSummary& s) {
    std::string o = "{\"tool\":\"curcrunch\",\"version\":";
    o.append(json_quote(CURCRUNCH_VERSION));
    o.append(",\"command\":\"fetch\",\"outcome\":").append(json_quote(s.outcome));
    o.append(",\"exit_code\":").append(std::to_string(s.exit_code));
    o.append(",\"host\":").append(json_quote(s.host));
    o.append(",\"started_at\":").append(json_quote(s.started_at));
    o.append(",\"finished_at\":").append(json_quote(s.finished_at));
    o.append(",\"profiles\":").append(json_string_array(s.profiles));
    o.append(",\"periods_ingested\":").append(std::to_string(s.periods_ingested));
    o.append(",\"periods_failed\":").append(std::to_string(s.periods_failed));
    o.append(",\"problems\":").append(json_string_array(s.problems)).append("}");
    return o;
}

bool post_alert(net::ResilientClient& http, const std::string& url, const AlertSummary& s) {
    const std::string body = alert_json(s);
    try {
        http.call(net::CallOptions{"alert-webhook", "POST", net::ServiceKind::plain}, [&](int) {
            net::Request r;
            r.method = "POST";
            r.url = url;
            r.headers = {{"Content-Type", "application/json"}};
            r.body = body;
            return r;
        });
        return true;
    } catch (const std::exception& e) {
        log::warn(std::string("alert webhook not reached: ") + e.what());
        return false;
    }
}

}  // namespace curcrunch::fetch
