package topics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// A topic typed on content becomes an unsorted proposal, and its name is
// as confidential as the content: typed on a page of a private space it
// may name a person or a case. So a proposal is seen only by who may read
// content that carries it (and by who typed it), until a knowledge
// manager sorts it into the tree; sorted topics are curated and everyone
// sees them. Knowledge managers besides see proposals no page or question
// carries (skills, or ones whose content is gone), to sort or delete them.

// Carried is where one area's content carries a topic, as one viewer sees
// it.
type Carried struct {
	Readable bool // on content the viewer may read
	Hidden   bool // on content the viewer may not read
}

// CarrierSource tells, for each of topicIDs that an area's content
// carries, whether it does so where viewer may read it and where not.
// Topics it does not carry are absent.
type CarrierSource func(ctx context.Context, viewer *web.Viewer, topicIDs []int64) (map[int64]Carried, error)

// CollectCarried reads rows of (topic_id, readable, hidden), as the areas'
// stores answer for their CarrierSource.
func CollectCarried(rows pgx.Rows) (map[int64]Carried, error) {
	out := map[int64]Carried{}
	var id int64
	var c Carried
	_, err := pgx.ForEachRow(rows, []any{&id, &c.Readable, &c.Hidden}, func() error {
		out[id] = c
		return nil
	})
	return out, err
}

// RegisterCarriers adds an area's content to what makes proposals
// visible. Call it before serving.
func (s *Topics) RegisterCarriers(src CarrierSource) { s.carriers = append(s.carriers, src) }

func proposedBy(t Topic, v *web.Viewer) bool {
	return v != nil && t.ProposerID != nil && *t.ProposerID == v.ID
}

// Visible keeps the topics of list that v may see, in order. It names the
// proposer of a proposal (ProposedBy) only to v themselves, or when every
// page and question that carries it is one v may read: "proposed by" must
// not tell of what a colleague wrote where v cannot read.
func (s *Topics) Visible(ctx context.Context, v *web.Viewer, list []Topic) ([]Topic, error) {
	var ask []int64
	for _, t := range list {
		if t.Unsorted && !proposedBy(t, v) {
			ask = append(ask, t.ID)
		}
	}
	carried := map[int64]Carried{}
	if len(ask) > 0 && v != nil {
		for _, src := range s.carriers {
			part, err := src(ctx, v, ask)
			if err != nil {
				return nil, err
			}
			for id, c := range part {
				all := carried[id]
				all.Readable, all.Hidden = all.Readable || c.Readable, all.Hidden || c.Hidden
				carried[id] = all
			}
		}
	}
	out := make([]Topic, 0, len(list))
	for _, t := range list {
		switch c := carried[t.ID]; {
		case !t.Unsorted:
			t.ProposedBy = nil
		case proposedBy(t, v):
		case c.Readable:
			if c.Hidden {
				t.ProposedBy = nil
			}
		case v != nil && v.KnowledgeManager && !c.Hidden:
			t.ProposedBy = nil
		default:
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// visibleOne answers not found for a topic v may not see, as for one that
// does not exist.
func (s *Topics) visibleOne(ctx context.Context, v *web.Viewer, t Topic) (Topic, error) {
	list, err := s.Visible(ctx, v, []Topic{t})
	if err != nil {
		return t, err
	}
	if len(list) == 0 {
		return t, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

// forReader blurs when a topic last changed to the day for everyone but
// knowledge managers: for a proposal that is when a colleague typed it.
func forReader(v *web.Viewer, list []Topic) {
	if v != nil && v.KnowledgeManager {
		return
	}
	for i := range list {
		list[i].UpdatedAt = list[i].UpdatedAt.UTC().Truncate(24 * time.Hour)
	}
}

// Subtree is the topic of slug with every topic below it, for a viewer
// who may see it; a proposal they may not see is not found, as an
// unknown slug is.
func (s *Topics) Subtree(ctx context.Context, v *web.Viewer, slug string) (Topic, []int64, error) {
	t, ids, err := s.Store.Subtree(ctx, slug)
	if err != nil {
		return t, nil, err
	}
	if t, err = s.visibleOne(ctx, v, t); err != nil {
		return t, nil, err
	}
	return t, ids, nil
}
