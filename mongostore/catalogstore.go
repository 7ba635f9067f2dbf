package mongostore

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/registry"
)

type serviceItemDoc struct {
	ID             string    `bson:"_id"` // the item code
	Name           string    `bson:"name"`
	Category       string    `bson:"category"`
	Stage          string    `bson:"stage"`
	ApprovalMatter string    `bson:"approval_matter"`
	Department     string    `bson:"department"`
	LegalBasis     string    `bson:"legal_basis"`
	Qualifications []string  `bson:"qualifications"`
	QualMode       string    `bson:"qual_mode"`
	FeeBasis       string    `bson:"fee_basis"`
	TimeLimitDays  int       `bson:"time_limit_days"`
	Enabled        bool      `bson:"enabled"`
	Source         string    `bson:"source"`
	UpdatedAt      time.Time `bson:"updated_at"`
	DocVersion     `bson:",inline"`
}

func serviceItemToDoc(it registry.ServiceItem) serviceItemDoc {
	return serviceItemDoc{ID: it.Code, Name: it.Name, Category: it.Category, Stage: string(it.Stage), ApprovalMatter: it.ApprovalMatter,
		Department: it.Department, LegalBasis: it.LegalBasis, Qualifications: it.Qualifications, QualMode: string(it.QualMode),
		FeeBasis: string(it.FeeBasis), TimeLimitDays: it.TimeLimitDays, Enabled: it.Enabled, Source: it.Source, UpdatedAt: it.UpdatedAt}
}

func (d serviceItemDoc) toItem() registry.ServiceItem {
	return registry.ServiceItem{Code: d.ID, Name: d.Name, Category: d.Category, Stage: registry.Stage(d.Stage), ApprovalMatter: d.ApprovalMatter,
		Department: d.Department, LegalBasis: d.LegalBasis, Qualifications: d.Qualifications, QualMode: registry.QualMode(d.QualMode),
		FeeBasis: registry.FeeBasis(d.FeeBasis), TimeLimitDays: d.TimeLimitDays, Enabled: d.Enabled, Source: d.Source, UpdatedAt: d.UpdatedAt}
}

// CatalogStore implements registry.CatalogStore.
type CatalogStore struct{ s *Store }

// Catalog returns the service catalog store.
func (s *Store) Catalog() *CatalogStore { return &CatalogStore{s: s} }

var _ registry.CatalogStore = (*CatalogStore)(nil)

func (c *CatalogStore) PutServiceItem(ctx context.Context, it registry.ServiceItem) error {
	_, err := upsertDoc(ctx, c.s, collServiceItems, it.Code, "服务事项", func() serviceItemDoc { return serviceItemDoc{ID: it.Code} },
		func(d *serviceItemDoc) error {
			v := d.Version
			*d = serviceItemToDoc(it)
			d.Version = v
			return nil
		})
	return err
}

func (c *CatalogStore) GetServiceItem(ctx context.Context, code string) (registry.ServiceItem, error) {
	d, err := getDoc[serviceItemDoc](ctx, c.s, collServiceItems, code, "服务事项")
	return d.toItem(), err
}

func (c *CatalogStore) ListServiceItems(ctx context.Context) ([]registry.ServiceItem, error) {
	cur, err := c.s.coll(collServiceItems).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(err, "服务事项")
	}
	var docs []serviceItemDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "服务事项")
	}
	out := make([]registry.ServiceItem, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toItem())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
