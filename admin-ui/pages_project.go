package adminui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// projectPage is one project: its status and the viewer's next possible
// action first, then the facts, the opening record, what followed, and
// the timeline of every state change.
type projectPage struct {
	P        hall.Project
	Badge    badge
	Deadline deadline
	Signup   deadline // sign-up deadline
	Opens    deadline // opening time
	V        viewer
	Next     string // the viewer's next possible action, in words
	Acts     actions
	Form     *form  // the form of the action that failed, shown again
	Active   string // which action Form belongs to
	Quals    string
	Excluded []namedNote
	// ShowSignups: the names of who signed up are secret until the
	// opening (so bidders cannot collude); supervisors see them.
	ShowSignups bool
	Signups     []namedNote
	Opening     *openingView
	Winner      string
	Contract    *contractView
	Deliveries  []deliveryView
	Objections  []namedNote
	Timeline    []stepView
	Criteria    []criteriaRow // the owner's scoring form
}

// viewer is who looks at the project.
type viewer struct {
	Anonymous, Owner, Agency, Supervisor bool
	AgencyID                             string
	Participant, Winner                  bool
}

// namedNote is an agency (or person) with a time and a note.
type namedNote struct {
	ID, Name, Note, Extra string
	At                    time.Time
}

type stepView struct {
	Step   hall.Step
	Label  string
	Actor  string
	Agency string
}

type contractView struct {
	C      hall.Contract
	Agency string
	File   fileView
	Due    deadline
	Late   bool
}

type deliveryView struct {
	D    hall.Delivery
	File fileView
}

// fileView is an attached file for those who may open it.
type fileView struct {
	Href string
	Meta files.Meta
	OK   bool
}

func (u *ui) projectShow(c *gin.Context) {
	u.showProject(c, http.StatusOK, "", nil)
}

// showProject renders the project page, with a failed action's form
// shown again when active is set.
func (u *ui) showProject(c *gin.Context, status int, active string, f *form) {
	ctx := c.Request.Context()
	p, err := u.Hall.Get(ctx, actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = newForm()
	}
	pg := u.projectView(ctx, c, p, active, f)
	u.render(c, status, "project", view{Title: p.Name, Nav: "hall", Data: pg})
}

func (u *ui) projectView(ctx context.Context, c *gin.Context, p hall.Project, active string, f *form) projectPage {
	who := actor(c)
	pg := projectPage{P: p, Active: active, Form: f, Badge: u.projectBadge(p), Deadline: u.deadlineOf(p),
		Signup: u.countdown(p.SignupDeadline, "报名截止"), Opens: u.countdown(p.OpeningTime, "开启时间")}
	pg.V = viewer{Anonymous: who.Kind == registry.ActorPublic, Owner: who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg,
		Agency: who.Kind == registry.ActorAgency, Supervisor: who.Supervises()}
	if pg.V.Agency {
		pg.V.AgencyID = who.OrgID
		_, pg.V.Participant = p.SignupOf(who.OrgID)
		pg.V.Winner = p.Winner == who.OrgID
	}
	names := agencyNames(p)
	pg.Quals = qualRequirement(p)
	for _, e := range p.Excluded {
		pg.Excluded = append(pg.Excluded, namedNote{ID: e.AgencyID, Name: u.agencyName(ctx, names, e.AgencyID), Note: e.Reason})
	}
	pg.ShowSignups = p.Opening != nil || pg.V.Supervisor
	if pg.ShowSignups {
		for _, s := range p.Signups {
			pg.Signups = append(pg.Signups, namedNote{ID: s.AgencyID, Name: s.AgencyName, At: s.At})
		}
	}
	if p.Opening != nil {
		pg.Opening = openingOf(p, names, pg.V.AgencyID)
	}
	if p.Winner != "" {
		pg.Winner = names[p.Winner]
	}
	for _, o := range p.Objections {
		pg.Objections = append(pg.Objections, namedNote{ID: o.ID, Name: names[o.AgencyID], Note: o.Reason,
			Extra: objectionDecision(o), At: o.At})
	}
	seeFiles := pg.V.Owner || pg.V.Supervisor || pg.V.Winner
	if k := p.Contract; k != nil {
		pg.Contract = &contractView{C: *k, Agency: names[k.AgencyID], Due: u.countdown(k.DueAt, "服务期限"),
			Late: overdue(p, u.Hall.Now())}
		if seeFiles {
			pg.Contract.File = u.projectFile(ctx, p.ID, k.FileID)
		}
	}
	for _, d := range p.Deliveries {
		dv := deliveryView{D: d}
		if seeFiles {
			dv.File = u.projectFile(ctx, p.ID, d.FileID)
		}
		pg.Deliveries = append(pg.Deliveries, dv)
	}
	pg.Timeline = u.timeline(ctx, p, names, pg.V.Supervisor)
	u.nextActions(ctx, &pg)
	return pg
}

// agencyNames maps the agencies of a project to the names they signed up
// with, as far as the viewer may know them.
func agencyNames(p hall.Project) map[string]string {
	m := map[string]string{}
	for _, s := range p.Signups {
		if s.AgencyID != "" { // before the opening the hall hides who signed up
			m[s.AgencyID] = s.AgencyName
		}
	}
	return m
}

// agencyName finds an agency's public name, or shows its ID.
func (u *ui) agencyName(ctx context.Context, names map[string]string, id string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	if n, ok := u.Registry.Directory().PublicName(id); ok { // in memory
		names[id] = n
		return n
	}
	if a, err := u.Registry.Get(ctx, registry.Actor{}, id); err == nil {
		names[id] = a.Profile.Name
		return a.Profile.Name
	}
	return id
}

func qualRequirement(p hall.Project) string {
	switch {
	case len(p.QualTypes) == 0:
		return "无特别资质要求"
	case len(p.QualTypes) == 1:
		return p.QualTypes[0]
	case p.QualAll:
		return "须同时具备：" + strings.Join(p.QualTypes, "、")
	}
	return "具备其一即可：" + strings.Join(p.QualTypes, "、")
}

func objectionDecision(o hall.Objection) string {
	switch o.Decision {
	case "upheld":
		return "质疑成立：" + o.Note
	case "dismissed":
		return "质疑不成立：" + o.Note
	}
	return "等待监管部门处理"
}

// projectFile describes a project's attached file; anyone who sees the
// link may open it through /projects/:id/files/:file.
func (u *ui) projectFile(ctx context.Context, projectID, id string) fileView {
	if id == "" {
		return fileView{}
	}
	m, err := u.Files.Stat(ctx, files.Reader{Supervises: true}, id)
	return fileView{Href: "/projects/" + projectID + "/files/" + id, Meta: m, OK: err == nil}
}

// timeline lists every state change with who made it: organisations for
// everyone, and the person too for supervisors.
func (u *ui) timeline(ctx context.Context, p hall.Project, names map[string]string, people bool) []stepView {
	label := func(userID string) string { return u.actorLabels.label(ctx, u.Auth, userID, people) }
	out := make([]stepView, 0, len(p.Timeline))
	for _, s := range p.Timeline {
		out = append(out, stepView{Step: s, Label: hall.EventLabel(s.Kind), Actor: label(s.Actor), Agency: names[s.Agency]})
	}
	slices.Reverse(out) // newest first
	return out
}

// openingView is the public opening record with names.
type openingView struct {
	Rec        *hall.OpeningRecord
	Out        hall.Outcome
	Decided    bool
	Bids       []bidView
	Refused    []namedNote
	Candidates []namedNote
	Ranking    []namedNote
	Scores     []scoreView
	Quoted     bool
	Winner     string // the current winner (after any abandonment)
	ProjectID  string
}

type bidView struct {
	B    hall.OpenedBid
	Name string
	Mine bool
	Rank int // 1 = winner; 0 = not ranked
}

type scoreView struct {
	S    hall.Score
	Name string
}

func openingOf(p hall.Project, names map[string]string, me string) *openingView {
	rec := p.Opening
	o := &openingView{Rec: rec, Out: rec.Outcome, Decided: rec.Outcome.Method != "", Quoted: p.Method.Quoted(),
		Winner: names[p.Winner], ProjectID: p.ID}
	rank := map[string]int{}
	for i, id := range p.Ranking {
		rank[id] = i + 1
		o.Ranking = append(o.Ranking, namedNote{ID: id, Name: names[id], Note: strconv.Itoa(i + 1)})
	}
	for _, b := range rec.Bids {
		o.Bids = append(o.Bids, bidView{B: b, Name: names[b.AgencyID], Mine: b.AgencyID == me && me != "", Rank: rank[b.AgencyID]})
	}
	for _, id := range sortedKeys(rec.Refused) {
		o.Refused = append(o.Refused, namedNote{ID: id, Name: names[id], Note: rec.Refused[id]})
	}
	for _, id := range rec.Candidates {
		o.Candidates = append(o.Candidates, namedNote{ID: id, Name: names[id]})
	}
	for _, s := range rec.Outcome.Scores {
		o.Scores = append(o.Scores, scoreView{S: s, Name: names[s.AgencyID]})
	}
	return o
}

// FormFor is the kept input and errors of the named action's form, or
// an empty form for every other action.
func (p projectPage) FormFor(name string) *form {
	if p.Active == name && p.Form != nil {
		return p.Form
	}
	return newForm()
}

// Notice is the failed action's form when the page shows no form of that
// action to hold its message: the action has no fields (publish, sign-up)
// or is no longer possible (a quote just after the deadline).
func (p projectPage) Notice() *form {
	if p.Form == nil || p.Active == "" || p.Form.Message == "" {
		return nil
	}
	a := p.Acts
	shown := map[string]bool{"quote": a.Quote, "scores": a.Score, "contract": a.Contract, "deliver": a.Deliver,
		"delivery": a.Decide, "evaluate": a.Evaluate, "respond": a.Respond, "review": a.Review,
		"objection-decision": a.DecideObjection, "object": a.Object, "abandon": a.Abandon, "extend": a.Extend,
		"pause": a.Pause, "cancel": a.Cancel}
	if shown[p.Active] {
		return nil
	}
	return p.Form
}
