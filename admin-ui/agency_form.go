package adminui

import (
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/registry"
)

// The application form is one page with lists of rows. Rows are named as
// the registry names them in its field errors ("qualifications[0].type"),
// so every message lands beside its own input. Without JavaScript, a list
// grows by blank rows: the page shows some, and "保存并增加一行" saves and
// shows one more. Blank rows are dropped when the form is read.

// Limits on how many rows one form may carry, above the registry's own.
const (
	maxQualRows    = 50
	maxPracRows    = 500
	maxListingRows = 200
	maxBlankRows   = 10
)

var profileFields = []string{"name", "uscc", "legal_rep", "region", "address", "contact", "phone", "email"}

func qualKey(i int) string    { return fmt.Sprintf("qualifications[%d].", i) }
func pracKey(i int) string    { return fmt.Sprintf("practitioners[%d].", i) }
func listingKey(i int) string { return fmt.Sprintf("listings[%d].", i) }

// rowCounts are how many rows of each list a form shows.
type rowCounts struct{ Q, P, L int }

// blankCounts reads how many blank rows to add to each list (from a query
// or a posted form), at least one and at most maxBlankRows each.
func blankCounts(get func(string) string) rowCounts {
	n := func(k string) int {
		v, err := strconv.Atoi(get(k))
		if err != nil || v < 1 {
			return 1
		}
		return min(v, maxBlankRows)
	}
	return rowCounts{Q: n("bq"), P: n("bp"), L: n("bl")}
}

// applicationForm is the application read from a post, with what the
// form shows again if something is wrong.
type applicationForm struct {
	f    *form
	in   registry.ApplicationInput
	rows rowCounts // rows kept after dropping blank and removed ones
	// uploads are the files posted for qualification rows, by row index.
	uploads map[int]*multipart.FileHeader
	// retype marks practitioner rows whose ID number was typed: it is never
	// echoed back, so after an error the user must type it again.
	retype map[int]bool
}

// readApplication reads the posted profile and rows, compacting the rows so
// their indexes match the registry's error keys. File uploads are handled
// by the caller; here the kept file IDs are read as posted.
func readApplication(c *gin.Context) *applicationForm {
	af := &applicationForm{f: postedForm(c, profileFields...), retype: map[int]bool{}, uploads: map[int]*multipart.FileHeader{}}
	f := af.f
	af.in.Profile = registry.Profile{Name: f.Get("name"), USCC: f.Get("uscc"), LegalRep: f.Get("legal_rep"), Region: f.Get("region"),
		Address: f.Get("address"), Contact: f.Get("contact"), Phone: f.Get("phone"), Email: f.Get("email")}
	post := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	rows := func(k string, limit int) int {
		n, _ := strconv.Atoi(c.PostForm(k))
		return max(0, min(n, limit))
	}

	for i, n := 0, rows("q_rows", maxQualRows+maxBlankRows); i < n; i++ {
		k := qualKey(i)
		vals := map[string]string{}
		for _, name := range []string{"id", "type", "level", "cert_no", "issuer", "valid_from", "valid_to", "file_id"} {
			vals[name] = post(k + name)
		}
		upload := postedFile(c, k+"file")
		if post(k+"remove") != "" || (upload == nil && allEmpty(vals, "type", "level", "cert_no", "issuer", "valid_from", "valid_to", "file_id")) {
			continue
		}
		j := af.rows.Q
		af.rows.Q++
		nk := qualKey(j)
		for name, v := range vals {
			f.Values[nk+name] = v
		}
		if upload != nil {
			af.uploads[j] = upload
		}
		q := registry.Qualification{ID: vals["id"], Type: vals["type"], Level: vals["level"], CertNo: vals["cert_no"],
			Issuer: vals["issuer"], FileID: vals["file_id"]}
		q.ValidFrom = readDate(f, nk+"valid_from", vals["valid_from"])
		q.ValidTo = readDate(f, nk+"valid_to", vals["valid_to"])
		af.in.Profile.Qualifications = append(af.in.Profile.Qualifications, q)
	}

	for i, n := 0, rows("p_rows", maxPracRows+maxBlankRows); i < n; i++ {
		k := pracKey(i)
		name, cert := post(k+"name"), post(k+"certificate")
		id := strings.ToUpper(strings.ReplaceAll(post(k+"id_number"), " ", ""))
		if post(k+"remove") != "" || (name == "" && cert == "" && id == "") {
			continue
		}
		j := af.rows.P
		af.rows.P++
		nk := pracKey(j)
		f.Values[nk+"name"], f.Values[nk+"certificate"] = name, cert
		if id != "" {
			af.retype[j] = true
			if msg := validateIDNumber(id); msg != "" {
				f.Errors[nk+"id_number"] = msg
			}
		}
		af.in.Practitioners = append(af.in.Practitioners, registry.PractitionerInput{Name: name, Certificate: cert, IDNumber: id})
	}

	for i, n := 0, rows("l_rows", maxListingRows+maxBlankRows); i < n; i++ {
		k := listingKey(i)
		code, days, fee := registry.NormalizeCode(post(k+"item_code")), post(k+"committed_days"), post(k+"fee_note")
		if post(k+"remove") != "" || (code == "" && days == "" && fee == "") {
			continue
		}
		j := af.rows.L
		af.rows.L++
		nk := listingKey(j)
		f.Values[nk+"item_code"], f.Values[nk+"committed_days"], f.Values[nk+"fee_note"] = code, days, fee
		l := registry.Listing{ItemCode: code, FeeNote: fee}
		if code == "" {
			f.Errors[nk+"item_code"] = "请选择服务事项"
		}
		if d, err := strconv.Atoi(days); err == nil {
			l.CommittedDays = d
		} else {
			f.Errors[nk+"committed_days"] = "请填写承诺时限（天数，整数）"
		}
		af.in.Listings = append(af.in.Listings, l)
	}
	return af
}

// postedFile is the file posted in a file input, or nil when none was
// chosen (browsers then send an empty part without a file name).
func postedFile(c *gin.Context, name string) *multipart.FileHeader {
	mf := c.Request.MultipartForm
	if mf == nil || len(mf.File[name]) == 0 {
		return nil
	}
	fh := mf.File[name][0]
	if fh.Filename == "" && fh.Size == 0 {
		return nil
	}
	return fh
}

func allEmpty(vals map[string]string, names ...string) bool {
	for _, n := range names {
		if vals[n] != "" {
			return false
		}
	}
	return true
}

// readDate parses a YYYY-MM-DD field, noting a malformed one on the form.
func readDate(f *form, name, v string) registry.Date {
	if v == "" {
		return registry.Date{}
	}
	d, err := registry.ParseDate(v)
	if err != nil {
		f.Errors[name] = "日期格式应为 2026-01-31"
	}
	return d
}

// profileForm fills a form with stored data: the pending change when there
// is one (that is what the agency is editing), else the current profile.
func profileForm(a registry.Agency) (*form, rowCounts) {
	f := newForm()
	p := a.Profile
	if a.PendingChange != nil {
		p = *a.PendingChange
	}
	for k, v := range map[string]string{"name": p.Name, "uscc": p.USCC, "legal_rep": p.LegalRep, "region": p.Region,
		"address": p.Address, "contact": p.Contact, "phone": p.Phone, "email": p.Email} {
		f.Values[k] = v
	}
	for i, q := range p.Qualifications {
		k := qualKey(i)
		for name, v := range map[string]string{"id": q.ID, "type": q.Type, "level": q.Level, "cert_no": q.CertNo, "issuer": q.Issuer,
			"valid_from": q.ValidFrom.String(), "valid_to": q.ValidTo.String(), "file_id": q.FileID} {
			f.Values[k+name] = v
		}
	}
	for i, pr := range a.Practitioners {
		f.Values[pracKey(i)+"name"], f.Values[pracKey(i)+"certificate"] = pr.Name, pr.Certificate
	}
	for i, l := range a.Listings {
		k := listingKey(i)
		f.Values[k+"item_code"], f.Values[k+"committed_days"], f.Values[k+"fee_note"] = l.ItemCode, strconv.Itoa(l.CommittedDays), l.FeeNote
	}
	return f, rowCounts{Q: len(p.Qualifications), P: len(a.Practitioners), L: len(a.Listings)}
}

// idWeights are the GB 11643-1999 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// validateIDNumber checks a resident identity card number: 18 characters
// with the check character of GB 11643-1999. It returns a Chinese message,
// or "" when valid. Only the masked number is ever stored or shown.
func validateIDNumber(id string) string {
	if len(id) != 18 {
		return "身份证号码应为 18 位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return "身份证号码前 17 位应为数字"
		}
		sum += int(id[i]-'0') * idWeights[i]
	}
	if id[17] != "10X98765432"[sum%11] {
		return "身份证号码校验位不正确，请核对"
	}
	return ""
}
