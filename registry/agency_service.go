package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
)

// Registry carries out agency admission, changes and supervision of status,
// and keeps the public directory current after every write.
type Registry struct {
	store   AgencyStore
	catalog *Catalog
	dir     *Directory
	now     func() time.Time
	newID   func() string
	// observer is told of admission decisions (observe.go).
	observer func(ctx context.Context, c Change)
}

// NewRegistry builds the registry service. Call Load before serving.
func NewRegistry(store AgencyStore, catalog *Catalog, now func() time.Time, newID func() string) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{store: store, catalog: catalog, dir: NewDirectory(), now: now, newID: newID}
}

// Directory is the in-memory public directory.
func (r *Registry) Directory() *Directory { return r.dir }

// Load fills the directory from storage.
func (r *Registry) Load(ctx context.Context) error {
	items, err := r.catalog.List(ctx)
	if err != nil {
		return err
	}
	r.dir.SetCatalog(items)
	return r.store.EachAgency(ctx, func(a Agency) error { r.dir.Put(a); return nil })
}

// Refresh re-reads one agency into the directory: another replica changed
// it (the change stream says so).
func (r *Registry) Refresh(ctx context.Context, id string) error {
	a, err := r.store.GetAgency(ctx, id)
	if err != nil {
		return err
	}
	r.dir.Put(a)
	return nil
}

// RefreshCatalog re-reads the service items (another process may have
// changed them) and gives them to the directory.
func (r *Registry) RefreshCatalog(ctx context.Context) error {
	items, err := r.catalog.Reload(ctx)
	if err != nil {
		return err
	}
	r.dir.SetCatalog(items)
	return nil
}

// Get returns an agency for its own users and supervisors in full, and for
// everybody else only once admitted (the admitted version only).
func (r *Registry) Get(ctx context.Context, who Actor, id string) (Agency, error) {
	a, err := r.store.GetAgency(ctx, id)
	if err != nil {
		return Agency{}, err
	}
	if who.Owns(id) || who.Supervises() {
		return a, nil
	}
	if !a.Status.Admitted() {
		return Agency{}, apperr.Hidden("中介机构")
	}
	return publicView(a), nil
}

// publicView strips what only the agency and supervisors may see.
func publicView(a Agency) Agency {
	a.PendingChange = nil
	a.ReviewNote = ""
	a.Practitioners = append([]Practitioner(nil), a.Practitioners...)
	for i := range a.Practitioners {
		a.Practitioners[i].IDMasked = ""
	}
	quals := append([]Qualification(nil), a.Profile.Qualifications...)
	for i := range quals {
		quals[i].FileID = ""
	}
	a.Profile.Qualifications = quals
	a.Versions = nil
	return a
}

// write applies fn to the stored agency and updates the directory.
func (r *Registry) write(ctx context.Context, id string, fn func(*Agency) error) (Agency, error) {
	a, err := r.store.UpdateAgency(ctx, id, func(a *Agency) error {
		if err := fn(a); err != nil {
			return err
		}
		a.UpdatedAt = r.now().UTC()
		return nil
	})
	if err != nil {
		return Agency{}, err
	}
	r.dir.Put(a)
	return a, nil
}

// ApplicationInput is what an agency fills in: organisation data with
// qualifications, practitioners and listings.
type ApplicationInput struct {
	Profile       Profile
	Practitioners []PractitionerInput
	Listings      []Listing
}

// PractitionerInput carries the full ID number, which is masked at once.
type PractitionerInput struct {
	Name        string
	Certificate string
	IDNumber    string
}

// StartApplication creates the draft application of the agency organisation
// the actor belongs to, pre-filled with its registration data.
func (r *Registry) StartApplication(ctx context.Context, who Actor, base Profile) (Agency, error) {
	if who.Kind != ActorAgency {
		return Agency{}, apperr.Forbidden("只有中介机构账号可以申请入驻")
	}
	now := r.now().UTC()
	a := Agency{ID: who.OrgID, Status: StatusDraft, Profile: base, UpdatedAt: now}
	if err := r.store.CreateAgency(ctx, a); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return r.store.GetAgency(ctx, who.OrgID)
		}
		return Agency{}, err
	}
	r.dir.Put(a)
	return a, nil
}

// SaveApplication stores the agency's own edits. Before admission it
// changes the application directly. After admission, non-key data (address,
// contacts, practitioners, listings) changes at once, while a change of
// name, credit code, legal representative or qualifications becomes a
// pending change for review, and the admitted version stays public.
func (r *Registry) SaveApplication(ctx context.Context, who Actor, id string, in ApplicationInput) (Agency, error) {
	if !who.Owns(id) {
		return Agency{}, apperr.Forbidden("只能修改本机构的资料")
	}
	items, err := r.itemMap(ctx)
	if err != nil {
		return Agency{}, err
	}
	cur, err := r.store.GetAgency(ctx, id)
	if err != nil {
		return Agency{}, err
	}
	prof := normalizeProfile(in.Profile, cur.Profile, r.newID)
	pracs := r.practitioners(in.Practitioners, cur.Practitioners)
	if err := validateApplication(prof, pracs, in.Listings, items); err != nil {
		return Agency{}, err
	}
	return r.write(ctx, id, func(a *Agency) error {
		switch {
		case a.Status == StatusWithdrawn:
			return apperr.Conflict("withdrawn", "机构已退出平台，不能修改资料")
		case a.Status.Admitted():
			if KeyFieldsDiffer(a.Profile, prof) {
				p := prof
				a.PendingChange = &p
			} else {
				a.PendingChange = nil
			}
			a.Profile.Address, a.Profile.Contact, a.Profile.Phone, a.Profile.Email, a.Profile.Region =
				prof.Address, prof.Contact, prof.Phone, prof.Email, prof.Region
		default:
			if a.Status == StatusPending {
				return apperr.Conflict("under_review", "申请正在审核中，审核完成前不能修改")
			}
			a.Profile = prof
		}
		a.Practitioners = pracs
		a.Listings = in.Listings
		return nil
	})
}

// AcceptCommitment records that the actor accepted the commitment letter.
func (r *Registry) AcceptCommitment(ctx context.Context, who Actor, id string) (Agency, error) {
	if !who.Owns(id) {
		return Agency{}, apperr.Forbidden("只能为本机构签署承诺书")
	}
	return r.write(ctx, id, func(a *Agency) error {
		a.Commitment = Commitment{TextVersion: CommitmentVersion, AcceptedAt: r.now().UTC(), AcceptedBy: who.UserID}
		return nil
	})
}

// Submit sends a draft or rejected application for review.
func (r *Registry) Submit(ctx context.Context, who Actor, id string) (Agency, error) {
	if !who.Owns(id) {
		return Agency{}, apperr.Forbidden("只能提交本机构的申请")
	}
	items, err := r.itemMap(ctx)
	if err != nil {
		return Agency{}, err
	}
	a, err := r.write(ctx, id, func(a *Agency) error {
		v := apperr.Invalid()
		if a.Commitment.AcceptedAt.IsZero() {
			v.Field("commitment", "请先阅读并签署入驻承诺书")
		}
		if len(a.Profile.Qualifications) == 0 {
			v.Field("qualifications", "请至少填写一项资质")
		}
		if len(a.Listings) == 0 {
			v.Field("listings", "请至少选择一项服务事项")
		}
		for i, q := range a.Profile.Qualifications {
			if q.FileID == "" {
				v.Field(fmt.Sprintf("qualifications[%d].file", i), "请上传资质证书扫描件")
			}
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := validateApplication(a.Profile, a.Practitioners, a.Listings, items); err != nil {
			return err
		}
		to, err := NextStatus(a.Status, MoveSubmit)
		if err != nil {
			return err
		}
		a.Status, a.SubmittedAt, a.ReviewNote = to, r.now().UTC(), ""
		return nil
	})
	if err == nil {
		r.observe(ctx, a, ChangeSubmitted, "", who.UserID)
	}
	return a, err
}

// Review is a regulator's decision on a pending application: approve,
// reject (reason required) or return for changes (comments required).
func (r *Registry) Review(ctx context.Context, who Actor, id string, m Move, note string) (Agency, error) {
	if !who.Supervises() {
		return Agency{}, apperr.Forbidden("只有监管部门可以审核入驻申请")
	}
	if m != MoveApprove && m != MoveReject && m != MoveReturn {
		return Agency{}, apperr.Invalid().Field("decision", "审核结果应为通过、驳回或退回修改")
	}
	note = strings.TrimSpace(note)
	if m != MoveApprove && note == "" {
		return Agency{}, apperr.Invalid().Field("note", "驳回或退回时请填写原因")
	}
	if utf8.RuneCountInString(note) > 1000 {
		return Agency{}, apperr.Invalid().Field("note", "意见不能超过 1000 字")
	}
	a, err := r.write(ctx, id, func(a *Agency) error {
		if err := who.InJurisdiction(a.Profile.Region, "机构"); err != nil {
			return err
		}
		to, err := NextStatus(a.Status, m)
		if err != nil {
			return err
		}
		now := r.now().UTC()
		a.Status, a.ReviewNote = to, note
		if m == MoveApprove {
			a.AdmittedAt = now
			a.Versions = append(a.Versions, ProfileVersion{No: len(a.Versions) + 1, Profile: a.Profile, ApprovedAt: now, ApprovedBy: who.UserID})
		}
		return nil
	})
	if err == nil {
		r.observe(ctx, a, map[Move]string{MoveApprove: ChangeApproved, MoveReject: ChangeRejected, MoveReturn: ChangeReturned}[m], note, who.UserID)
	}
	return a, err
}

// ReviewChange decides on a pending key-field change of an admitted agency.
func (r *Registry) ReviewChange(ctx context.Context, who Actor, id string, approve bool, note string) (Agency, error) {
	if !who.Supervises() {
		return Agency{}, apperr.Forbidden("只有监管部门可以审核变更")
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return Agency{}, apperr.Invalid().Field("note", "不通过时请填写原因")
	}
	a, err := r.write(ctx, id, func(a *Agency) error {
		if err := who.InJurisdiction(a.Profile.Region, "机构"); err != nil {
			return err
		}
		if a.PendingChange == nil {
			return apperr.Conflict("no_change", "该机构没有待审核的变更")
		}
		now := r.now().UTC()
		if approve {
			a.Profile = *a.PendingChange
			a.Versions = append(a.Versions, ProfileVersion{No: len(a.Versions) + 1, Profile: a.Profile, ApprovedAt: now, ApprovedBy: who.UserID})
		}
		a.PendingChange, a.ReviewNote = nil, note
		return nil
	})
	if err == nil {
		kind := ChangeKeyRejected
		if approve {
			kind = ChangeKeyApproved
		}
		r.observe(ctx, a, kind, note, who.UserID)
	}
	return a, err
}

// SetSuspended suspends or restores an admitted agency (regulators), with a
// reason that is recorded.
func (r *Registry) SetSuspended(ctx context.Context, who Actor, id string, suspend bool, reason string) (Agency, error) {
	if !who.Supervises() {
		return Agency{}, apperr.Forbidden("只有监管部门可以暂停或恢复机构")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Agency{}, apperr.Invalid().Field("reason", "请填写原因")
	}
	m := MoveSuspend
	if !suspend {
		m = MoveRestore
	}
	return r.write(ctx, id, func(a *Agency) error {
		if err := who.InJurisdiction(a.Profile.Region, "机构"); err != nil {
			return err
		}
		if !suspend && a.Status == StatusBlacklisted {
			return apperr.Conflict("blacklisted", "黑名单机构须经信用修复后恢复")
		}
		to, err := NextStatus(a.Status, m)
		if err != nil {
			return err
		}
		a.Status, a.ReviewNote = to, reason
		return nil
	})
}

// Withdraw takes the agency off the platform at its own request.
func (r *Registry) Withdraw(ctx context.Context, who Actor, id string) (Agency, error) {
	if !who.Owns(id) {
		return Agency{}, apperr.Forbidden("只能办理本机构的退出")
	}
	return r.write(ctx, id, func(a *Agency) error {
		to, err := NextStatus(a.Status, MoveWithdraw)
		if err != nil {
			return err
		}
		a.Status = to
		return nil
	})
}

// ReviewQueue lists agencies waiting for a regulator: pending applications
// and admitted agencies with a pending change.
func (r *Registry) ReviewQueue(who Actor) ([]Agency, error) {
	if !who.Supervises() {
		return nil, apperr.Forbidden("")
	}
	return r.dir.Queue(), nil
}

func (r *Registry) itemMap(ctx context.Context) (map[string]ServiceItem, error) {
	items, err := r.catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]ServiceItem, len(items))
	for _, it := range items {
		m[it.Code] = it
	}
	return m, nil
}

// practitioners masks new ID numbers and keeps the stored mask when an
// edit leaves the number empty.
func (r *Registry) practitioners(in []PractitionerInput, old []Practitioner) []Practitioner {
	byName := map[string]Practitioner{}
	for _, p := range old {
		byName[p.Name+"\x00"+p.Certificate] = p
	}
	out := make([]Practitioner, 0, len(in))
	for _, p := range in {
		pr := Practitioner{Name: strings.TrimSpace(p.Name), Certificate: strings.TrimSpace(p.Certificate)}
		if prev, ok := byName[pr.Name+"\x00"+pr.Certificate]; ok {
			pr.ID, pr.IDMasked = prev.ID, prev.IDMasked
		}
		if strings.TrimSpace(p.IDNumber) != "" {
			pr.IDMasked = MaskID(p.IDNumber)
		}
		if pr.ID == "" {
			pr.ID = r.newID()
		}
		out = append(out, pr)
	}
	return out
}

func normalizeProfile(p, old Profile, newID func() string) Profile {
	p.USCC = NormalizeUSCC(p.USCC)
	p.Name = strings.TrimSpace(p.Name)
	p.LegalRep = strings.TrimSpace(p.LegalRep)
	p.Region = strings.TrimSpace(p.Region)
	p.Address = strings.TrimSpace(p.Address)
	quals := make([]Qualification, len(p.Qualifications))
	for i, q := range p.Qualifications {
		q.Type, q.Level, q.CertNo, q.Issuer = strings.TrimSpace(q.Type), strings.TrimSpace(q.Level), strings.TrimSpace(q.CertNo), strings.TrimSpace(q.Issuer)
		if q.ID == "" {
			q.ID = newID()
		}
		quals[i] = q
	}
	p.Qualifications = quals
	return p
}

// validateApplication checks the whole application and names each bad field.
func validateApplication(p Profile, pracs []Practitioner, listings []Listing, items map[string]ServiceItem) error {
	v := apperr.Invalid()
	if msg := ValidateUSCC(p.USCC); msg != "" {
		v.Field("uscc", msg)
	}
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 100 {
		v.Field("name", "请填写机构名称（100 字以内）")
	}
	if p.LegalRep == "" || utf8.RuneCountInString(p.LegalRep) > 50 {
		v.Field("legal_rep", "请填写法定代表人（50 字以内）")
	}
	if msg := ValidateRegion(p.Region); msg != "" {
		v.Field("region", msg)
	}
	if utf8.RuneCountInString(p.Address) > 200 {
		v.Field("address", "地址不能超过 200 字")
	}
	if len(p.Qualifications) > 50 {
		v.Field("qualifications", "资质最多 50 项")
	}
	for i, q := range p.Qualifications {
		f := fmt.Sprintf("qualifications[%d].", i)
		if q.Type == "" {
			v.Field(f+"type", "请填写资质类型")
		}
		if q.CertNo == "" {
			v.Field(f+"cert_no", "请填写证书编号")
		}
		if q.ValidFrom.IsZero() || q.ValidTo.IsZero() {
			v.Field(f+"valid_to", "请填写有效期起止日期")
		} else if q.ValidTo.Before(q.ValidFrom) {
			v.Field(f+"valid_to", "有效期截止日期不能早于起始日期")
		}
	}
	if len(pracs) > 500 {
		v.Field("practitioners", "从业人员最多 500 人")
	}
	for i, pr := range pracs {
		if pr.Name == "" {
			v.Field(fmt.Sprintf("practitioners[%d].name", i), "请填写姓名")
		}
	}
	seen := map[string]bool{}
	for i, l := range listings {
		f := fmt.Sprintf("listings[%d].", i)
		it, ok := items[l.ItemCode]
		switch {
		case !ok:
			v.Field(f+"item_code", "服务事项不存在")
		case !it.Enabled:
			v.Field(f+"item_code", "服务事项已停用")
		case seen[l.ItemCode]:
			v.Field(f+"item_code", "服务事项重复")
		case l.CommittedDays < 1 || l.CommittedDays > it.TimeLimitDays:
			v.Field(f+"committed_days", fmt.Sprintf("承诺时限应为 1–%d 天（不超过法定时限）", it.TimeLimitDays))
		}
		if utf8.RuneCountInString(l.FeeNote) > 200 {
			v.Field(f+"fee_note", "收费说明不能超过 200 字")
		}
		seen[l.ItemCode] = true
	}
	return v.OrNil()
}

// KeyFieldsDiffer reports whether a change touches the fields that need
// review after admission.
func KeyFieldsDiffer(a, b Profile) bool {
	return len(DiffProfiles(a, b, true)) > 0
}

// SetBlacklisted puts an agency on the blacklist or, by credit repair,
// takes it off (back to active). Supervision calls it when a sanction is
// issued or lifted; the effect on eligibility is immediate.
func (r *Registry) SetBlacklisted(ctx context.Context, who Actor, id string, on bool, reason string) (Agency, error) {
	if !who.Supervises() {
		return Agency{}, apperr.Forbidden("只有监管部门可以列入或移出黑名单")
	}
	m := MoveBlacklist
	if !on {
		m = MoveRestore
	}
	return r.write(ctx, id, func(a *Agency) error {
		if !on && a.Status != StatusBlacklisted {
			return nil // nothing to repair
		}
		to, err := NextStatus(a.Status, m)
		if err != nil {
			return err
		}
		a.Status, a.ReviewNote = to, strings.TrimSpace(reason)
		return nil
	})
}
