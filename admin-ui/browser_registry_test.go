package adminui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// TestBrowserAdmission is the whole admission in Chromium: an agency fills
// its application (uploading a real PDF through the file input), signs the
// commitment and submits; a regulator approves from the review queue; the
// public directory filtered by the service item then lists the agency.
func TestBrowserAdmission(t *testing.T) {
	e := newEnvNamed(t, browserSite)
	e.putItem("HP-001", "环境影响评价报告书编制", registry.StagePlanning, true)
	e.putItem("YD-001", "地质灾害危险性评估", registry.StageLandUse, true)
	e.registerOrg(auth.OrgAgency, "lijing", "甘肃陇原工程咨询有限公司", stemA)
	e.regulator("reg-zhao")
	pdf := filepath.Join(t.TempDir(), "环评资质证书.pdf")
	if err := os.WriteFile(pdf, []byte(testPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowserTab(t)

	login := func(name string) {
		t.Helper()
		do(t, ctx, chromedp.Navigate(e.URL+"/login"),
			chromedp.SendKeys(chromedp.ID("f-login"), name), chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
		submit(t, ctx, `form[action="/login"] button[type=submit]`)
	}
	login("lijing")
	if got := text(t, ctx, ".todo-list"); !strings.Contains(got, "申请入驻") {
		t.Errorf("agency to-dos: %q", got)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/my/agency"))
	wantCleanPage(t, ctx)
	do(t, ctx,
		fill(map[string]string{
			"f-legal_rep": "陈建国", "f-address": "兰州市城关区庆阳路 88 号",
			"f-qualifications-0-type": "环评资质", "f-qualifications-0-level": "甲级",
			"f-qualifications-0-cert_no": "HP-62-0042", "f-qualifications-0-issuer": "甘肃省生态环境厅",
			"f-qualifications-0-valid_from": "2024-03-01", "f-qualifications-0-valid_to": "2099-02-28",
			"f-practitioners-0-name": "王芳", "f-practitioners-0-certificate": "环境影响评价工程师 HP00123",
			"f-practitioners-0-id_number": validID, "f-listings-0-item_code": "HP-001",
			"f-listings-0-committed_days": "20", "f-listings-0-fee_note": "按市场价",
		}),
		chromedp.SetUploadFiles(chromedp.ID("f-qualifications-0-file"), []string{pdf}),
	)
	if status := submit(t, ctx, `.sticky-actions button[value=save]`); status != 200 {
		t.Fatalf("save: status %d at %s\n%s", status, location(t, ctx), text(t, ctx, "main"))
	}
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "已保存") {
		t.Fatalf("after saving: %q\n%s", got, text(t, ctx, "main"))
	}
	if got := text(t, ctx, "#quals .file-info"); !strings.Contains(got, "环评资质证书.pdf") || !strings.Contains(got, "PDF") {
		t.Errorf("uploaded file shown as %q", got)
	}
	if got := text(t, ctx, "#pracs"); strings.Contains(got, validID) || !strings.Contains(got, registry.MaskID(validID)) {
		t.Errorf("practitioner ID shown as %q", got)
	}

	// Sign the commitment, then submit.
	do(t, ctx, chromedp.Click(chromedp.ID("f-agree")))
	submit(t, ctx, `form[action="/my/agency/commitment"] button`)
	if got := text(t, ctx, "#commitment .accepted"); !strings.Contains(got, "已签署") {
		t.Errorf("commitment: %q", got)
	}
	submit(t, ctx, `form[action="/my/agency/submit"] button`)
	if got := text(t, ctx, ".status-panel"); !strings.Contains(got, "正在等待监管部门审核") {
		t.Fatalf("after submitting: %q", got)
	}
	submit(t, ctx, `form[action="/logout"] button`)

	// The regulator approves from the review queue.
	login("reg-zhao")
	if got := text(t, ctx, ".todo-list"); !strings.Contains(got, "待审核入驻申请") {
		t.Errorf("regulator to-dos: %q", got)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/registry/review"))
	if got := text(t, ctx, "main table"); !strings.Contains(got, "甘肃陇原工程咨询有限公司") {
		t.Fatalf("queue: %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "review.png")
	submit(t, ctx, `main table a.btn`)
	if got := text(t, ctx, "#quals-heading + .table-wrap"); !strings.Contains(got, "环评资质证书.pdf") {
		t.Errorf("certificate link on the review page: %q", got)
	}
	submit(t, ctx, `button[name=decision][value=approve]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "审核通过「甘肃陇原工程咨询有限公司」") {
		t.Fatalf("after approval: %q", got)
	}
	submit(t, ctx, `form[action="/logout"] button`)

	// The public directory, filtered by the service item, lists it.
	do(t, ctx, chromedp.Navigate(e.URL+"/agencies"),
		chromedp.SetValue(chromedp.ID("f-item"), "HP-001"))
	submit(t, ctx, `form.filters button[type=submit]`)
	if loc := location(t, ctx); !strings.Contains(loc, "item=HP-001") {
		t.Errorf("filter not in the address: %s", loc)
	}
	if got := text(t, ctx, ".agency-list"); !strings.Contains(got, "甘肃陇原工程咨询有限公司") || !strings.Contains(got, "环境影响评价报告书编制") {
		t.Fatalf("directory: %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "directory.png")

	// On a 360 px phone nothing is wider than the screen.
	do(t, ctx, chromedp.EmulateViewport(360, 780))
	for _, path := range []string{"/agencies?item=HP-001", "/agencies/" + agencyID(t, stemA)} {
		do(t, ctx, chromedp.Navigate(e.URL+path))
		if fits, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !fits {
			t.Errorf("%s is wider than a 360 px screen", path)
		}
	}
}
