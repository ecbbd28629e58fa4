// The billing parts of a fetch run besides CUR and Organizations (org_accounts.cpp): Cost
// Explorer costs, invoices with their documents, and payment instruments. Each part of each profile
// succeeds or fails on its own; a message says exactly what was stored and what was not.
#include <filesystem>
#include <set>

#include "curcrunch/aws/cost_explorer.hpp"
#include "curcrunch/aws/invoicing.hpp"
#include "curcrunch/aws/payments.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/fetch/document_archive.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "fetch_run.hpp"

namespace curcrunch::fetch::detail {
namespace fs = std::filesystem;
namespace {

// "arn:aws:iam::123456789012:role/billing" -> "123456789012".
std::string account_of_arn(const std::string& arn) {
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        pos = arn.find(':', pos);
        if (pos == std::string::npos) return {};
        ++pos;
    }
    std::string id = arn.substr(pos, arn.find(':', pos) - pos);
    return id.size() == 12 && id.find_first_not_of("0123456789") == std::string::npos ? id : "";
}

}  // namespace

void FetchRun::fetch_cost_explorer() {
    if (!o_.cost_explorer) return;
    const Day today = today_utc();
    const Period current = period_of(today);
    for (auto& pr : runs_) {
        if (pr->dead || !can_go_on()) continue;
        aws::JsonServiceClient ce(*aws_.client, *pr->active, service(aws::cost_explorer_service()));
        const std::string who = "profile " + pr->cfg->name + ": Cost Explorer ";
        bool ok = true;
        try {
            const Day from = first_day(o_.from), to_ex = first_day(add_months(o_.to, 1));
            auto monthly = with_current_credentials(*pr, *aws_.client, [&] {
                return aws::get_cost_and_usage(ce, from, to_ex, aws::CeGranularity::monthly);
            });
            store::replace_ce_costs(store_.db(), pr->cfg->name, aws::CeGranularity::monthly, from,
                                    to_ex - 1, monthly.rows);
        } catch (const Error& e) {
            ok = false;
            tally_.bad(who + "monthly costs not fetched: " + e.what());
        }
        // The current month by day, for the month-to-date view.
        if (o_.to >= current && today > first_day(current)) {
            try {
                auto daily = with_current_credentials(*pr, *aws_.client, [&] {
                    return aws::get_cost_and_usage(ce, first_day(current), today,
                                                   aws::CeGranularity::daily);
                });
                store::replace_ce_costs(store_.db(), pr->cfg->name, aws::CeGranularity::daily,
                                        first_day(current), today - 1, daily.rows);
            } catch (const Error& e) {
                ok = false;
                tally_.bad(who + "daily costs of " + format_period(current) +
                           " not fetched: " + e.what());
            }
        }
        if (ok) tally_.good();
        report_.ce_requests += ce.requests();
    }
}

void FetchRun::invoices_of_period(ProfileRun& pr, const std::string& account, Period p,
                                  aws::JsonServiceClient& inv, const std::string& method) {
    const std::string who = "profile " + pr.cfg->name + ", invoices of " + format_period(p);
    std::vector<aws::InvoiceSummary> list;
    try {
        list = with_current_credentials(
            pr, *aws_.client, [&] { return aws::list_invoice_summaries(inv, account, p); });
        store::put_invoices(store_.db(), pr.cfg->name, list, method);
        report_.invoices += static_cast<int>(list.size());
    } catch (const Error& e) {
        tally_.bad(who + " not fetched: " + e.what());
        return;
    }
    for (const auto& summary : list) {
        // Idempotent: documents already archived with a matching sha256 are kept.
        auto stored = store::invoice_documents(store_.db(), summary.invoice_id);
        bool intact = !stored.empty();
        for (const auto& d : stored)
            intact = intact && fs::exists(d.path) && Sha256::of_file(d.path) == d.sha256;
        if (intact) {
            report_.documents_kept += static_cast<int>(stored.size());
            continue;
        }
        try {
            auto ask = [&] {
                return with_current_credentials(pr, *aws_.client, [&] {
                    return aws::get_invoice_pdf(inv, summary.invoice_id);
                });
            };
            auto links = ask();
            // The links are pre-signed URLs that expire (GetInvoicePDF's DocumentUrlExpiration-
            // Date), and slow downloads of the ones before can outlast a link: a document that
            // is refused is asked for again once, with fresh links for those left,
            // matched by kind and id. Every document of the first answer must be archived, and
            // none is recorded before all are: a later run takes an invoice whose recorded
            // documents are intact as complete.
            auto key_of = [](const aws::InvoiceDocumentLink& l) {
                return l.kind + "/" + l.document_id;
            };
            std::set<std::string> wanted;
            for (const auto& l : links)
                wanted.insert(key_of(l));
            std::vector<std::pair<aws::InvoiceDocumentLink, ArchivedDocument>> done;
            std::set<std::string> archived;
            bool asked_again = false;
            size_t i = 0;
            while (i < links.size()) {
                const aws::InvoiceDocumentLink link = links[i];
                if (archived.count(key_of(link))) {
                    ++i;
                    continue;
                }
                try {
                    done.emplace_back(link, archive_document(*aws_.client, o_.archive_dir,
                                                             summary.invoice_id, link));
                } catch (const Error& e) {
                    // Only the link's own refusal (S3 answers an expired one 403) is mended by
                    // a fresh one; a local write failure or an open breaker is not.
                    const long status = aws_.client->last_failed_status();
                    if (asked_again || e.kind() != ErrorKind::remote || status < 400 ||
                        status >= 500)
                        throw;
                    asked_again = true;
                    log::warn(who + ": invoice " + summary.invoice_id + ": " + e.what() +
                              "; asking for fresh links to its documents (they expire)");
                    links = ask();
                    i = 0;  // the fresh list, past the documents already archived
                    continue;
                }
                archived.insert(key_of(link));
                ++i;
            }
            for (const std::string& w : wanted)
                if (!archived.count(w))
                    throw Error(ErrorKind::remote,
                                "document " + w + " is not among GetInvoicePDF's fresh links");
            for (const auto& [link, a] : done) {
                store::put_invoice_document(store_.db(), summary.invoice_id, link, a.path, a.sha256,
                                            a.bytes);
                ++report_.documents_downloaded;
            }
        } catch (const Error& e) {
            tally_.bad(who + ": invoice " + summary.invoice_id +
                       " stored, its documents not all archived: " + e.what());
            return;
        }
    }
    tally_.good();
}

void FetchRun::invoices_of(ProfileRun& pr, const std::string& account) {
    aws::JsonServiceClient inv(*aws_.client, *pr.active, service(aws::invoicing_service()));
    std::string method;
    if (pr.cfg->payments) {
        aws::JsonServiceClient pay(*aws_.client, *pr.active, service(aws::payments_service()));
        try {
            auto instruments = with_current_credentials(
                pr, *aws_.client, [&] { return aws::list_payment_instruments(pay); });
            store::put_payment_instruments(store_.db(), pr.cfg->name, instruments);
            std::set<std::string> methods;
            for (const auto& i : instruments)
                if (i.status == "ACTIVE") methods.insert(i.method);
            for (const auto& m : methods)
                method.append(method.empty() ? "" : ",").append(m);
        } catch (const Error& e) {
            const std::string code = aws_.client->last_error_code();
            if (code == "AccessDeniedException" || code == "AccessDenied")
                report_.notes.push_back("profile " + pr.cfg->name +
                                        ": payment method not readable with these credentials");
            else
                tally_.bad("profile " + pr.cfg->name +
                           ": payment instruments not fetched: " + e.what());
        }
    }
    for (Period p = o_.from; p <= o_.to && can_go_on(); p = add_months(p, 1))
        invoices_of_period(pr, account, p, inv, method);
}

void FetchRun::fetch_invoices() {
    if (!o_.invoices) return;
    for (auto& pr : runs_) {
        if (pr->dead || !pr->cfg->invoices || !can_go_on()) continue;
        std::string account = pr->cfg->account_id;
        if (account.empty()) account = account_of_arn(pr->creds.role_arn);
        if (account.empty()) {
            report_.notes.push_back("profile " + pr->cfg->name +
                                    ": invoices skipped (set account_id in the configuration)");
            continue;
        }
        invoices_of(*pr, account);
    }
}

}  // namespace curcrunch::fetch::detail
