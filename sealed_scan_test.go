package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/mongostore"
)

// Sealed quotes (docs/QUOTES.md): until the opening time nobody can read a
// quote through any interface. TestSealedQuoteScan submits quotes with
// recognisable amounts, then — before the deadline and again after it but
// before the opening — fetches every declared GET route (the whole API and
// every page, path parameters filled with the fixture's real IDs) as every
// party: the public, the platform admin, both owners, the four agencies
// (the bidders themselves included) and regulators of two cities. Excel
// downloads are unzipped and every part is read. It also reads the audit
// log, the OCDS feed and record, the message centre (notifications, mail
// outbox and webhook deliveries, dispatched by hand as the scheduler
// would), every document of every collection in the database and the
// process log. No amount may appear in any of them, in fen or in yuan
// (plain or grouped). After the opening the committed amounts appear in
// the opening record (API and page) and the winner's in the OCDS award,
// while a replaced and a withdrawn quote never appear anywhere.
func TestSealedQuoteScan(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	A, B, C, D := w.agencies[0], w.agencies[1], w.agencies[2], w.agencies[3]

	// A webhook subscription for every event: deliveries are scanned too.
	var events []struct{ Type string }
	w.must(w.admin, "GET", "/api/v1/admin/webhook-events", nil, &events)
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	var hook struct{ ID string }
	w.must(w.admin, "POST", "/api/v1/admin/webhooks", map[string]any{"name": "甘肃省公共信用信息平台",
		"url": "https://xy.example.gov.cn/hooks/zjcs", "events": types}, &hook)

	pid := w.createProject("兰州新区综合管廊工程环境影响评价", worldRegion, true)
	base := "/api/v1/projects/" + pid

	// The quotes. A replaces its first quote; D withdraws its only one.
	const (
		aFinal, aReplaced = 223_344_55, 245_813_67
		bQuote, cQuote    = 314_159_26, 271_828_18
		dWithdrawn        = 299_792_45
	)
	committed := map[*worldUser]int64{A: aFinal, B: bQuote, C: cQuote}
	for _, u := range []*worldUser{A, B, C, D} {
		w.must(u, "POST", base+"/signup", nil, nil)
	}
	for u, amount := range map[*worldUser]int64{A: aReplaced, B: bQuote, C: cQuote, D: dWithdrawn} {
		rec := w.call(u, "POST", base+"/quote", map[string]any{"amount_fen": amount})
		if rec.Code != http.StatusOK {
			t.Fatalf("quote of %s: %d %s", u.name, rec.Code, rec.Body)
		}
	}
	w.must(A, "POST", base+"/quote", map[string]any{"amount_fen": aFinal}, nil)
	w.must(D, "DELETE", base+"/quote", nil, nil)
	receipts := map[*worldUser]string{}
	for u := range committed {
		var r struct{ Receipt string }
		w.must(u, "GET", base+"/my-quote", nil, &r)
		receipts[u] = r.Receipt
	}

	// A complaint about the project, so the complaint routes have an object.
	var complaint struct{ ID string }
	w.must(w.owners[0], "POST", "/api/v1/complaints", map[string]any{"target_id": A.org, "project_id": pid,
		"subject": "报名材料存疑", "details": "该机构报名时提交的从业人员证书编号与登记不符，请核查。"}, &complaint)

	all := map[string]bool{} // every secret, in every form
	forms := func(fen int64) []string {
		y, f := fen/100, fen%100
		grouped := fmt.Sprintf("%d,%03d.%02d", y/1000, y%1000, f)
		return []string{fmt.Sprint(fen), fmt.Sprintf("%d.%02d", y, f), grouped}
	}
	var secrets []string
	for _, fen := range []int64{aFinal, aReplaced, bQuote, cQuote, dWithdrawn} {
		for _, s := range forms(fen) {
			secrets = append(secrets, s)
			all[s] = true
		}
	}
	ids := scanIDs{project: pid, agency: A.org, file: w.qualFiles[0], complaint: complaint.ID, webhook: hook.ID,
		ocid: worldOCDSPrefix + "-" + pid}

	// Before the deadline, then after it (no more changes) before the opening.
	// The first scan takes every route × party pair; later ones skip the
	// pairs the route's declaration refuses, which never reach a handler
	// (TestAuthorizationMatrix proves each is refused with the standard
	// error or the login redirect).
	for i, when := range []string{"2026-12-01 10:00", "2026-12-03 09:00"} {
		w.at(when)
		if _, err := w.svc.notify.Dispatch(ctx); err != nil { // the scheduler's job, by hand
			t.Fatal(err)
		}
		ids.release = w.firstRelease(pid)
		w.scanResponses(t, "before the opening ("+when+")", ids, secrets, w.users(), i == 0)
		w.scanStores(t, "before the opening ("+when+")", secrets)
	}

	// The opening publishes the committed amounts with their receipts.
	w.at("2026-12-03 09:32")
	var opened struct {
		State   string `json:"state"`
		Opening *struct {
			Bids []struct {
				AgencyID  string `json:"agency_id"`
				AmountFen int64  `json:"amount_fen"`
				Receipt   string `json:"receipt"`
			} `json:"bids"`
		} `json:"opening"`
		WinnerID string `json:"winner_id"`
	}
	rec := w.call(w.anon, "GET", base, nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &opened); err != nil || opened.Opening == nil {
		t.Fatalf("after the opening: %v %s", err, rec.Body)
	}
	for u, amount := range committed {
		found := false
		for _, b := range opened.Opening.Bids {
			found = found || (b.AgencyID == u.org && b.AmountFen == amount && b.Receipt == receipts[u])
		}
		if !found {
			t.Errorf("the opening record lacks %s's quote %d with its receipt: %s", u.name, amount, rec.Body)
		}
	}
	if opened.WinnerID != A.org {
		t.Errorf("winner %q, want the lowest quote's agency %s", opened.WinnerID, A.org)
	}
	page := w.call(w.anon, "GET", "/projects/"+pid, nil).Body.String()
	for _, amount := range []int64{aFinal, bQuote, cQuote} {
		if s := forms(amount)[2]; !strings.Contains(page, s) {
			t.Errorf("the project page lacks the opened quote %s", s)
		}
	}
	record := w.call(w.anon, "GET", "/api/v1/ocds/records/"+ids.ocid, nil).Body.String()
	if !strings.Contains(record, forms(aFinal)[1]) || !strings.Contains(record, `"awards"`) {
		t.Errorf("the OCDS record lacks the award at %s: %s", forms(aFinal)[1], record)
	}

	// A replaced or withdrawn quote is never published, even now.
	var never []string
	for _, fen := range []int64{aReplaced, dWithdrawn} {
		never = append(never, forms(fen)...)
	}
	if _, err := w.svc.notify.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	ids.release = w.firstRelease(pid)
	// Who could see them now: the public, the owner, the agencies that
	// replaced and withdrew them, a regulator and the admin.
	w.scanResponses(t, "after the opening (the replaced and the withdrawn quote)", ids, never,
		[]*worldUser{w.anon, w.admin, w.owners[0], A, D, w.regIn}, false)
	w.scanStores(t, "after the opening", never)
	w.checkChain()
}

// scanIDs are the fixture's objects that fill path parameters.
type scanIDs struct {
	project, agency, file, complaint, webhook, ocid, release string
}

// fill puts real IDs into a route's path parameters.
func (ids scanIDs) fill(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "" || (s[0] != ':' && s[0] != '*') {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		v := "scan-placeholder"
		switch {
		case s == "*filepath":
			v = "app.css"
		case prev == "pprof":
			v = "goroutine"
		case s == ":code":
			v = worldItem
		case s == ":n":
			v = "1"
		case s == ":ocid":
			v = ids.ocid
		case s == ":file" || prev == "files":
			v = ids.file
		case prev == "projects":
			v = ids.project
		case prev == "agencies":
			v = ids.agency
		case prev == "complaints":
			v = ids.complaint
		case prev == "webhooks":
			v = ids.webhook
		case prev == "releases":
			v = ids.release
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// firstRelease is the ID of the project's first OCDS release, once settled.
func (w *world) firstRelease(pid string) string {
	var pkg struct {
		Releases []struct {
			ID string `json:"id"`
		} `json:"releases"`
	}
	_ = json.Unmarshal(w.call(w.anon, "GET", "/api/v1/ocds/releases", nil).Body.Bytes(), &pkg)
	for _, r := range pkg.Releases {
		if strings.Contains(r.ID, pid) {
			return r.ID
		}
	}
	return "scan-placeholder"
}

// scanResponses GETs every declared GET route as each of the parties (with
// refused false, only those the route's declaration admits) and
// looks for the secrets in the headers and the body (each part of a
// workbook).
func (w *world) scanResponses(t *testing.T, when string, ids scanIDs, secrets []string, parties []*worldUser, refused bool) int {
	t.Helper()
	start := time.Now()
	n, ok, workbooks := 0, 0, 0
	seenRoutes := 0
	for _, r := range w.app.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		seenRoutes++
		target := ids.fill(r.Path)
		if strings.HasPrefix(target, "/debug/pprof/") {
			target += "?debug=1" // text, not a compressed profile
		}
		for _, u := range parties {
			if !refused && !r.Access.Allows(w.principal(u)) {
				continue
			}
			rec := w.call(u, "GET", target, nil)
			n++
			if rec.Code == http.StatusOK {
				ok++
			}
			where := fmt.Sprintf("%s: GET %s as %s (%d)", when, target, u.name, rec.Code)
			var hdr strings.Builder
			for k, v := range rec.Header() {
				fmt.Fprintf(&hdr, "%s: %s\n", k, strings.Join(v, ", "))
			}
			texts := readable(t, rec.Body.Bytes())
			if _, whole := texts["the body"]; !whole {
				workbooks++
			}
			for name, text := range texts {
				if s, found := containsAny(text+hdr.String(), secrets); found {
					t.Errorf("%s reveals %s in %s", where, s, name)
				}
			}
		}
	}
	if seenRoutes < 100 || ok < n/3 || workbooks < 10 {
		t.Errorf("%s: only %d GET routes, %d of %d responses 200, %d workbooks: is the fixture reachable?", when, seenRoutes, ok, n, workbooks)
	}
	t.Logf("%s: %d GET routes, %d responses (%d answered 200), %d Excel workbooks unzipped and read in %v; "+
		"then the audit log, every database document (message centre, outbox, webhook deliveries) and the process log",
		when, seenRoutes, n, ok, workbooks, time.Since(start).Round(time.Millisecond))
	return n
}

// readable is a response body as text: each part of a ZIP (an Excel
// workbook) on its own, otherwise the body itself.
func readable(t *testing.T, body []byte) map[string]string {
	if !bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return map[string]string{"the body": string(body)}
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Errorf("a ZIP body that does not open: %v", err)
		return map[string]string{"the body": string(body)}
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Errorf("workbook part %s: %v", f.Name, err)
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out["workbook part "+f.Name] = string(b)
	}
	return out
}

// scanStores looks for the secrets in the audit log, the message centre's
// outbox and deliveries (in the database), the process log and every
// document of every collection.
func (w *world) scanStores(t *testing.T, when string, secrets []string) {
	t.Helper()
	for _, r := range w.auditRecords() {
		if s, found := containsAny(strings.Join([]string{r.Action, r.Target, r.Summary, r.ActorID, r.OrgID}, " "), secrets); found {
			t.Errorf("%s: audit record %d (%s) reveals %s: %s", when, r.Seq, r.Action, s, r.Summary)
		}
	}
	if s, found := containsAny(w.logs.String(), secrets); found {
		t.Errorf("%s: the process log reveals %s", when, s)
	}
	ctx := context.Background()
	docs := 0
	var counts []string
	for _, coll := range mongostore.CollectionNames() {
		before := docs
		if err := w.store.EachRawDocument(ctx, coll, func(doc []byte) error {
			docs++
			doc, err := mongostore.Readable(doc) // a project's or agency's body, decompressed
			if err != nil {
				return err
			}
			j, err := bson.MarshalExtJSON(bson.Raw(doc), false, false)
			if err != nil {
				return err
			}
			text := string(j)
			if s, found := containsAny(text, secrets); found {
				t.Errorf("%s: a document of %s holds %s in clear: %.300s", when, coll, s, text)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if docs > before {
			counts = append(counts, fmt.Sprintf("%s %d", coll, docs-before))
		}
	}
	t.Logf("%s: %d documents read: %s", when, docs, strings.Join(counts, ", "))
	if docs < 20 {
		t.Errorf("%s: only %d documents in the database", when, docs)
	}
}
