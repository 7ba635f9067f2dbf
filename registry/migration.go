package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
)

// Migration (历史平台迁移): agencies that a legacy platform had already
// admitted come in as admitted (已入驻) agencies, keyed by credit code, in
// one import a regulator runs. They pass the checks an application passes
// on its way to review (credit code, region, qualifications, listings of
// enabled items with the qualification types the items require), but no
// second review: the legacy platform's admission stands, and the regulator
// who imports answers for it in the audit log.

// Migration records where a migrated agency came from.
type Migration struct {
	LegacyID   string    // 原平台机构编号
	AdmittedOn Date      // 原平台入驻日期
	ImportedAt time.Time // when an import last wrote the agency
	ImportedBy string    // the user who ran that import
	// Digest identifies the imported data (SHA-256 of its canonical form),
	// so importing the same row again changes nothing.
	Digest string
	// Written is the digest of the agency as the import left it (status,
	// profile, listings, staff, commitment): when the agency no longer
	// matches, it has changed on this platform and old data must not
	// overwrite it. Content, not time, so two writes in one instant count.
	Written string
}

// MigrationInput is one agency of a legacy platform's export.
type MigrationInput struct {
	// Profile: qualifications need no ID or file (the legacy platform's
	// scans do not travel); a zero ValidFrom is taken as AdmittedOn, when
	// the legacy platform last checked the certificate.
	Profile Profile
	// Listings: a zero CommittedDays is the item's statutory limit, the
	// most an agency may commit to; the agency can shorten it later.
	Listings   []Listing
	LegacyID   string
	AdmittedOn Date
}

// MigrationOutcome is what an import did with one row.
type MigrationOutcome string

const (
	MigrationCreated   MigrationOutcome = "created"   // 新增
	MigrationUpdated   MigrationOutcome = "updated"   // 更新
	MigrationUnchanged MigrationOutcome = "unchanged" // 未变
	MigrationRejected  MigrationOutcome = "rejected"  // 错误：未导入
)

// MigrationResult is the outcome of one row.
type MigrationResult struct {
	Outcome  MigrationOutcome
	AgencyID string
	// Err explains a rejected row: an apperr Invalid whose fields name the
	// parts of the input — uscc, name, legal_rep, region, contact, phone,
	// email, address, qualifications[i].type|cert_no|valid_to,
	// listings[i].item_code|committed_days, legacy_id, admitted_on.
	Err error
}

// MigrationCounts sums the outcomes of an import.
type MigrationCounts struct {
	Created, Updated, Unchanged, Rejected int
}

// CountMigration sums results by outcome.
func CountMigration(results []MigrationResult) MigrationCounts {
	var n MigrationCounts
	for _, r := range results {
		switch r.Outcome {
		case MigrationCreated:
			n.Created++
		case MigrationUpdated:
			n.Updated++
		case MigrationUnchanged:
			n.Unchanged++
		default:
			n.Rejected++
		}
	}
	return n
}

// MigrationHooks connect an import to the organisation accounts, which the
// registry does not know.
type MigrationHooks struct {
	// AgencyID is the ID of the organisation account of a credit code
	// (auth.OrgID): a migrated agency gets the ID the agency would have had
	// by registering here, so its staff's accounts belong to it.
	AgencyID func(uscc string) string
	// Prepare runs before a new migrated agency is stored, to create its
	// organisation account. An apperr error of kind Invalid, Conflict or
	// Forbidden rejects the row (its message goes to the uscc field); any
	// other error stops the import.
	Prepare func(ctx context.Context, a Agency) error
}

// Limits of the migration data that the application form does not check.
const (
	maxLegacyID = 64
	maxListings = 200
)

// ImportMigrated brings in the agencies of a legacy platform, one result per
// input in order. A credit code not yet on the platform is created as an
// admitted agency; one that an earlier import created is updated when its
// data changed, unless the agency has changed on this platform since (its
// own edits or a regulator's action win over old data); one that registered
// on this platform itself is never touched. The same rows imported again
// change nothing. Each agency is written by one compare-and-swap, so an
// import stopped by an error (returned as such) can simply be run again.
func (r *Registry) ImportMigrated(ctx context.Context, who Actor, rows []MigrationInput, hooks MigrationHooks) ([]MigrationResult, error) {
	if !who.Supervises() {
		return nil, apperr.Forbidden("只有监管部门可以导入迁移的中介机构")
	}
	if hooks.AgencyID == nil {
		return nil, errors.New("registry: ImportMigrated needs hooks.AgencyID")
	}
	items, err := r.itemMap(ctx)
	if err != nil {
		return nil, err
	}
	idx := r.dir.migrationIndex()
	// One instant for the whole import, at the storage's precision.
	now := r.now().UTC().Truncate(time.Millisecond)
	out := make([]MigrationResult, len(rows))
	for i, in := range rows {
		res, err := r.migrateOne(ctx, who, in, items, idx, now, hooks)
		if err != nil {
			return out[:i], fmt.Errorf("migrate row %d (%s): %w", i+1, in.Profile.USCC, err)
		}
		out[i] = res
	}
	return out, nil
}

// migrateOne imports one row. Row problems come back in the result; the
// error is for failures that stop the import.
func (r *Registry) migrateOne(ctx context.Context, who Actor, in MigrationInput, items map[string]ServiceItem,
	idx migrationIndex, now time.Time, hooks MigrationHooks) (MigrationResult, error) {
	in = normalizeMigration(in)
	digest := migrationDigest(in)
	prof, listings := r.migratedApplication(in, items)
	if err := validateMigration(in, prof, listings, items, DateOf(now)); err != nil {
		return rejected("", err), nil
	}
	id := hooks.AgencyID(prof.USCC)
	for _, other := range idx.byUSCC[prof.USCC] {
		if other.id != id {
			return rejected(id, fieldError("uscc", fmt.Sprintf("该统一社会信用代码已被本平台的另一家机构“%s”使用，迁移数据不能导入", other.name))), nil
		}
	}
	if owner, ok := idx.byLegacy[in.LegacyID]; ok && owner.id != id {
		return rejected(id, fieldError("legacy_id", fmt.Sprintf("原平台机构编号“%s”已用于另一家迁移机构“%s”", in.LegacyID, owner.name))), nil
	}

	cur, err := r.store.GetAgency(ctx, id)
	switch {
	case apperr.Is(err, apperr.KindNotFound):
		return r.createMigrated(ctx, who, id, in, prof, listings, digest, idx, now, hooks)
	case err != nil:
		return MigrationResult{}, err
	case cur.Migration == nil:
		return rejected(id, nativeConflict(cur)), nil
	case cur.Migration.Digest == digest:
		return MigrationResult{Outcome: MigrationUnchanged, AgencyID: id}, nil
	}

	errUnchanged := errors.New("unchanged")
	_, err = r.writeAt(ctx, id, now, func(a *Agency) error {
		switch m := a.Migration; {
		case m == nil:
			return nativeConflict(*a)
		case m.Digest == digest:
			return errUnchanged // another import got there first
		case agencyStateDigest(*a) != m.Written:
			return fieldError("uscc", fmt.Sprintf("该机构迁移后已在本平台更新过资料或状态（%s），迁移数据不再覆盖；如需更正，请在中介机构管理中处理",
				a.UpdatedAt.In(Shanghai).Format("2006-01-02 15:04")))
		}
		p := keepQualificationIDs(prof, a.Profile)
		if len(DiffProfiles(a.Profile, p, false)) > 0 {
			a.Versions = append(a.Versions, ProfileVersion{No: len(a.Versions) + 1, Profile: p, ApprovedAt: now, ApprovedBy: who.UserID})
		}
		a.Profile, a.Listings = p, listings
		a.SubmittedAt, a.AdmittedAt = in.AdmittedOn.Start().UTC(), in.AdmittedOn.Start().UTC()
		a.Migration = &Migration{LegacyID: in.LegacyID, AdmittedOn: in.AdmittedOn, ImportedAt: now, ImportedBy: who.UserID, Digest: digest}
		a.Migration.Written = agencyStateDigest(*a)
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return MigrationResult{Outcome: MigrationUnchanged, AgencyID: id}, nil
	case apperr.Is(err, apperr.KindInvalid):
		return rejected(id, err), nil
	case err != nil:
		return MigrationResult{}, err
	}
	idx.add(id, prof.Name, prof.USCC, in.LegacyID)
	return MigrationResult{Outcome: MigrationUpdated, AgencyID: id}, nil
}

func (r *Registry) createMigrated(ctx context.Context, who Actor, id string, in MigrationInput, prof Profile, listings []Listing,
	digest string, idx migrationIndex, now time.Time, hooks MigrationHooks) (MigrationResult, error) {
	status, err := admittedStatus()
	if err != nil {
		return MigrationResult{}, err
	}
	admitted := in.AdmittedOn.Start().UTC()
	a := Agency{ID: id, Status: status, Profile: prof, Listings: listings,
		Versions:    []ProfileVersion{{No: 1, Profile: prof, ApprovedAt: now, ApprovedBy: who.UserID}},
		SubmittedAt: admitted, AdmittedAt: admitted, UpdatedAt: now,
		Migration: &Migration{LegacyID: in.LegacyID, AdmittedOn: in.AdmittedOn, ImportedAt: now, ImportedBy: who.UserID, Digest: digest}}
	a.Migration.Written = agencyStateDigest(a)
	if hooks.Prepare != nil {
		if err := hooks.Prepare(ctx, a); err != nil {
			switch e, ok := apperr.As(err); {
			case ok && e.Kind == apperr.KindInvalid && len(e.Fields) > 0:
				return rejected(id, err), nil
			case ok && (e.Kind == apperr.KindInvalid || e.Kind == apperr.KindConflict || e.Kind == apperr.KindForbidden):
				return rejected(id, fieldError("uscc", e.Message)), nil
			}
			return MigrationResult{}, fmt.Errorf("prepare organisation: %w", err)
		}
	}
	if err := r.store.CreateAgency(ctx, a); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return rejected(id, fieldError("uscc", "该机构在导入的同时由其他操作创建，请重新导入本行")), nil
		}
		return MigrationResult{}, err
	}
	r.dir.Put(a)
	idx.add(id, prof.Name, prof.USCC, in.LegacyID)
	return MigrationResult{Outcome: MigrationCreated, AgencyID: id}, nil
}

// admittedStatus walks the admission moves an application takes — submit,
// then approve — so a migrated agency lands where the state machine puts an
// admitted one, whatever it is changed to.
func admittedStatus() (AgencyStatus, error) {
	s, err := NextStatus(StatusDraft, MoveSubmit)
	if err != nil {
		return "", err
	}
	return NextStatus(s, MoveApprove)
}

// writeAt is write with the caller's instant as UpdatedAt.
func (r *Registry) writeAt(ctx context.Context, id string, now time.Time, fn func(*Agency) error) (Agency, error) {
	a, err := r.store.UpdateAgency(ctx, id, func(a *Agency) error {
		if err := fn(a); err != nil {
			return err
		}
		a.UpdatedAt = now
		return nil
	})
	if err != nil {
		return Agency{}, err
	}
	r.dir.Put(a)
	return a, nil
}

func rejected(id string, err error) MigrationResult {
	return MigrationResult{Outcome: MigrationRejected, AgencyID: id, Err: err}
}

func fieldError(field, msg string) error { return apperr.Invalid().Field(field, msg) }

func nativeConflict(a Agency) error {
	return fieldError("uscc", fmt.Sprintf("该统一社会信用代码的机构“%s”已在本平台自行注册（状态：%s），迁移数据不能覆盖", a.Profile.Name, a.Status.Label()))
}

func normalizeMigration(in MigrationInput) MigrationInput {
	p := in.Profile
	p.USCC = NormalizeUSCC(p.USCC)
	for _, s := range []*string{&p.Name, &p.LegalRep, &p.Region, &p.Address, &p.Contact, &p.Phone, &p.Email} {
		*s = strings.TrimSpace(*s)
	}
	quals := make([]Qualification, len(p.Qualifications))
	for i, q := range p.Qualifications {
		quals[i] = Qualification{Type: strings.TrimSpace(q.Type), Level: strings.TrimSpace(q.Level), CertNo: strings.TrimSpace(q.CertNo),
			Issuer: strings.TrimSpace(q.Issuer), ValidFrom: q.ValidFrom, ValidTo: q.ValidTo}
	}
	p.Qualifications = quals
	listings := make([]Listing, len(in.Listings))
	for i, l := range in.Listings {
		listings[i] = Listing{ItemCode: NormalizeCode(l.ItemCode), CommittedDays: l.CommittedDays, FeeNote: strings.TrimSpace(l.FeeNote)}
	}
	return MigrationInput{Profile: p, Listings: listings, LegacyID: strings.TrimSpace(in.LegacyID), AdmittedOn: in.AdmittedOn}
}

// migrationDigest hashes a normalised input.
func migrationDigest(in MigrationInput) string {
	b, err := json.Marshal(in)
	if err != nil { // plain strings, ints and dates: cannot fail
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// agencyStateDigest hashes what the agency or a regulator can change after
// an import: status, profile, pending change, practitioners, listings,
// commitment and review note. Empty and nil lists hash alike, since storage
// does not keep the difference.
func agencyStateDigest(a Agency) string {
	state := struct {
		Status        AgencyStatus
		Profile       Profile
		Pending       *Profile
		Practitioners []Practitioner
		Listings      []Listing
		CommitVersion string
		CommitBy      string
		Committed     bool
		ReviewNote    string
	}{a.Status, a.Profile, a.PendingChange, a.Practitioners, a.Listings, a.Commitment.TextVersion, a.Commitment.AcceptedBy,
		!a.Commitment.AcceptedAt.IsZero(), a.ReviewNote}
	state.Profile.Qualifications = nilIfEmpty(state.Profile.Qualifications)
	if state.Pending != nil {
		p := *state.Pending
		p.Qualifications = nilIfEmpty(p.Qualifications)
		state.Pending = &p
	}
	state.Practitioners, state.Listings = nilIfEmpty(state.Practitioners), nilIfEmpty(state.Listings)
	b, err := json.Marshal(state)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// migratedApplication turns an input into the profile and listings stored:
// qualifications get IDs and a start date, listings a committed time limit.
func (r *Registry) migratedApplication(in MigrationInput, items map[string]ServiceItem) (Profile, []Listing) {
	p := in.Profile
	quals := make([]Qualification, len(p.Qualifications))
	for i, q := range p.Qualifications {
		q.ID = r.newID()
		if q.ValidFrom.IsZero() {
			q.ValidFrom = in.AdmittedOn
			if !q.ValidTo.IsZero() && q.ValidTo.Before(q.ValidFrom) {
				q.ValidFrom = q.ValidTo // expired before the admission date: known valid on its last day only
			}
		}
		quals[i] = q
	}
	p.Qualifications = quals
	listings := slices.Clone(in.Listings)
	for i, l := range listings {
		if it, ok := items[l.ItemCode]; ok && l.CommittedDays == 0 {
			listings[i].CommittedDays = it.TimeLimitDays
		}
	}
	return p, listings
}

// keepQualificationIDs gives the new profile's qualifications the IDs (and
// scans) of the stored ones with the same type and certificate number, so
// the version history shows a renewal as a change, not a new certificate.
func keepQualificationIDs(p, old Profile) Profile {
	quals := slices.Clone(p.Qualifications)
	for i, q := range quals {
		for _, o := range old.Qualifications {
			if o.Type == q.Type && o.CertNo == q.CertNo {
				quals[i].ID, quals[i].FileID = o.ID, o.FileID
				break
			}
		}
	}
	p.Qualifications = quals
	return p
}

// validateMigration applies the application's checks and those of a
// submission (at least one qualification and one listing), and adds what
// a migration must also hold: the qualification types each listed item
// requires, the legacy ID and admission date, and contacts that can be used
// to reach the agency when it comes to open its account.
func validateMigration(in MigrationInput, p Profile, listings []Listing, items map[string]ServiceItem, today Date) error {
	v := apperr.Invalid()
	if err := validateApplication(p, nil, listings, items); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		for f, msg := range e.Fields {
			v.Field(f, msg)
		}
	}
	if len(p.Qualifications) == 0 {
		v.Field("qualifications", "请至少填写一项资质")
	}
	switch n := len(listings); {
	case n == 0:
		v.Field("listings", "请至少填写一项服务事项")
	case n > maxListings:
		v.Field("listings", fmt.Sprintf("服务事项最多 %d 项", maxListings))
	}
	for i, l := range listings {
		it, ok := items[l.ItemCode]
		if !ok || !it.Enabled || holdsRequiredTypes(it, p.Qualifications) {
			continue
		}
		f := fmt.Sprintf("listings[%d].item_code", i)
		if _, taken := v.Fields[f]; taken {
			continue
		}
		mode := "具备其中任一项即可"
		if it.QualMode == QualAllOf && len(it.Qualifications) > 1 {
			mode = "须全部具备"
		}
		v.Field(f, fmt.Sprintf("缺少该事项要求的资质：%s（%s）", strings.Join(it.Qualifications, "、"), mode))
	}
	switch n := utf8.RuneCountInString(in.LegacyID); {
	case n == 0:
		v.Field("legacy_id", "请填写原平台机构编号")
	case n > maxLegacyID:
		v.Field("legacy_id", fmt.Sprintf("原平台机构编号最长 %d 个字符", maxLegacyID))
	}
	switch {
	case in.AdmittedOn.IsZero():
		v.Field("admitted_on", "请填写原平台入驻日期")
	case today.Before(in.AdmittedOn):
		v.Field("admitted_on", fmt.Sprintf("原平台入驻日期 %s 晚于今天", in.AdmittedOn))
	}
	if utf8.RuneCountInString(p.Contact) > 50 {
		v.Field("contact", "联系人不能超过 50 个字")
	}
	if utf8.RuneCountInString(p.Phone) > 30 {
		v.Field("phone", "联系电话不能超过 30 个字符")
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 200 {
			v.Field("email", "电子邮箱格式不正确")
		}
	}
	return v.OrNil()
}

// holdsRequiredTypes reports whether quals include the qualification types
// the item requires (any one or all), whatever their validity dates: an
// expired certificate keeps the agency admitted, and the directory leaves
// the item out of its selections until the certificate is renewed.
func holdsRequiredTypes(item ServiceItem, quals []Qualification) bool {
	if len(item.Qualifications) == 0 {
		return true
	}
	holds := func(t string) bool {
		return slices.ContainsFunc(quals, func(q Qualification) bool { return q.Type == t })
	}
	if item.QualMode == QualAllOf {
		for _, t := range item.Qualifications {
			if !holds(t) {
				return false
			}
		}
		return true
	}
	return slices.ContainsFunc(item.Qualifications, holds)
}

// migrationIndex finds, for an import, which agency holds a credit code
// (its admitted one or one awaiting review) and a legacy ID.
type migrationIndex struct {
	byUSCC   map[string][]indexedAgency
	byLegacy map[string]indexedAgency
}

type indexedAgency struct{ id, name string }

// migrationIndex builds the index from the directory, which holds every
// agency whatever its status.
func (d *Directory) migrationIndex() migrationIndex {
	d.mu.RLock()
	defer d.mu.RUnlock()
	x := migrationIndex{byUSCC: map[string][]indexedAgency{}, byLegacy: map[string]indexedAgency{}}
	for _, e := range d.entries {
		a := e.agency
		legacy := ""
		if a.Migration != nil {
			legacy = a.Migration.LegacyID
		}
		x.add(a.ID, a.Profile.Name, a.Profile.USCC, legacy)
		if a.PendingChange != nil && a.PendingChange.USCC != a.Profile.USCC {
			x.add(a.ID, a.Profile.Name, a.PendingChange.USCC, "")
		}
	}
	return x
}

func (x migrationIndex) add(id, name, uscc, legacy string) {
	if uscc != "" && !slices.ContainsFunc(x.byUSCC[uscc], func(o indexedAgency) bool { return o.id == id }) {
		x.byUSCC[uscc] = append(x.byUSCC[uscc], indexedAgency{id, name})
	}
	if legacy != "" {
		x.byLegacy[legacy] = indexedAgency{id, name}
	}
}
