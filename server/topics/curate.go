package topics

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

// What knowledge managers do to the tree: create, rename, move, label,
// merge and delete topics.

// TopicInput is a new topic, or new name and description, as typed.
type TopicInput struct {
	Name        string   `json:"name"`
	Slug        string   `json:"slug"`
	Description string   `json:"description"`
	ParentID    *int64   `json:"-"`
	Synonyms    []string `json:"synonyms"`
}

func (in *TopicInput) validate(creating bool) []*errs.Error {
	var problems []*errs.Error
	var p *errs.Error
	if in.Name, p = cleanLabel(in.Name, "name"); p != nil {
		problems = append(problems, p)
	}
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Description) > maxDescription {
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", maxDescription).OnField("description"))
	}
	if creating {
		in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
		if in.Slug != "" && !validSlug(in.Slug) {
			problems = append(problems, errs.E(errs.Invalid, "topics.slug_invalid").OnField("slug"))
		}
		if in.Synonyms, p = cleanLabels(in.Synonyms, "synonyms"); p != nil {
			problems = append(problems, p)
		}
	}
	return problems
}

// labelConflict turns a taken name or synonym into a conflict naming the
// topic that has it.
func (s *Topics) labelConflict(ctx context.Context, err error, label, field string) error {
	if !violates(err, "topic_labels_pkey") {
		return err
	}
	owner, lerr := s.Store.LabelOwner(ctx, label)
	if lerr != nil {
		owner = label
	}
	return errs.E(errs.Conflict, "topics.label_taken", "Label", label, "Topic", owner).OnField(field)
}

// allowed refuses a viewer who is no knowledge manager, and otherwise
// passes on the problems of the input.
func allowed(v *web.Viewer, problems []*errs.Error) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	return problems, nil
}

// relabelled records, in the transaction that changed a topic's labels,
// that the topic changed.
func (s *Topics) relabelled(ctx context.Context, tx pgx.Tx, id int64) error {
	if err := touch(ctx, tx, id); err != nil {
		return err
	}
	return s.changed(ctx, tx, id)
}

// created loads what a creation made, or splits the creation's error as
// asProblems does.
func created[T any](err error, load func() (T, error)) (T, []*errs.Error, error) {
	if err != nil {
		var none T
		problems, err := asProblems(err)
		return none, problems, err
	}
	made, err := load()
	return made, nil, err
}

// asProblems splits an error a person can fix from one they cannot.
func asProblems(err error) ([]*errs.Error, error) {
	if e, ok := errs.As(err); ok && e.Field != "" {
		return []*errs.Error{e}, nil
	}
	return nil, err
}

// Create adds a sorted topic to the tree.
func (s *Topics) Create(ctx context.Context, v *web.Viewer, in TopicInput) (Topic, []*errs.Error, error) {
	if problems, err := allowed(v, in.validate(true)); err != nil || len(problems) > 0 {
		return Topic{}, problems, err
	}
	var id int64
	label, field := in.Name, "name"
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		if in.ParentID != nil {
			if err := s.checkParent(ctx, tx, *in.ParentID); err != nil {
				return err
			}
		}
		slug := in.Slug
		if slug == "" {
			var err error
			if slug, err = uniqueSlug(ctx, tx, in.Name, topicSlugFree); err != nil {
				return err
			}
		} else if taken, err := slugTaken(ctx, tx, slug); err != nil || taken {
			if err == nil {
				err = errs.E(errs.Conflict, "topics.slug_taken").OnField("slug")
			}
			return err
		}
		var err error
		if id, err = insertTopic(ctx, tx, newTopic{Slug: slug, Name: in.Name, Description: in.Description, ParentID: in.ParentID}); err != nil {
			return err
		}
		for _, syn := range in.Synonyms {
			if strings.EqualFold(syn, in.Name) {
				continue
			}
			label, field = syn, "synonyms"
			if err := addSynonym(ctx, tx, id, syn); err != nil {
				return err
			}
		}
		return s.changed(ctx, tx, id)
	})
	if violates(err, "topics_slug_key") {
		err = errs.E(errs.Conflict, "topics.slug_taken").OnField("slug")
	}
	return created(s.labelConflict(ctx, err, label, field), func() (Topic, error) { return s.Store.ByID(ctx, id) })
}

// Update renames a topic and changes its description. The slug stays, so
// links keep working.
func (s *Topics) Update(ctx context.Context, v *web.Viewer, t Topic, in TopicInput) ([]*errs.Error, error) {
	if problems, err := allowed(v, in.validate(false)); err != nil || len(problems) > 0 {
		return problems, err
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := updateTopic(ctx, tx, t.ID, in.Name, in.Description); err != nil {
			return err
		}
		return s.changed(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, in.Name, "name"))
}

// Move puts a topic below parent (nil: the top level), which also sorts an
// unsorted proposal into the tree. Moving a topic below itself or one of
// its descendants is refused.
func (s *Topics) Move(ctx context.Context, v *web.Viewer, t Topic, parent *int64) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		below, err := s.Store.Descendants(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if parent != nil {
			if err := s.checkParent(ctx, tx, *parent); err != nil {
				return err
			}
			for _, id := range below {
				if id == *parent {
					return errs.E(errs.Invalid, "topics.cycle", "Name", t.Name).OnField("parent")
				}
			}
		}
		if err := setParent(ctx, tx, t.ID, parent); err != nil {
			return err
		}
		return s.changed(ctx, tx, below...)
	})
	return asProblems(err)
}

// AddSynonym gives a topic another label.
func (s *Topics) AddSynonym(ctx context.Context, v *web.Viewer, t Topic, synonym string) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	synonym, p := cleanLabel(synonym, "synonym")
	if p != nil {
		return []*errs.Error{p}, nil
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := addSynonym(ctx, tx, t.ID, synonym); err != nil {
			return err
		}
		return s.relabelled(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, synonym, "synonym"))
}

// RemoveSynonym takes a label from a topic; its name cannot be removed.
func (s *Topics) RemoveSynonym(ctx context.Context, v *web.Viewer, t Topic, synonym string) error {
	if err := requireKM(v); err != nil {
		return err
	}
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		ok, err := removeSynonym(ctx, tx, t.ID, strings.TrimSpace(synonym))
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.NotFound, "topics.synonym_unknown", "Synonym", synonym)
		}
		return s.relabelled(ctx, tx, t.ID)
	})
}

// SetSynonyms makes a topic's synonyms exactly the given ones.
func (s *Topics) SetSynonyms(ctx context.Context, v *web.Viewer, t Topic, synonyms []string) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	clean, p := cleanLabels(synonyms, "synonyms")
	if p != nil {
		return []*errs.Error{p}, nil
	}
	want := map[string]string{}
	for _, syn := range clean {
		if !strings.EqualFold(syn, t.Name) {
			want[strings.ToLower(syn)] = syn
		}
	}
	label := ""
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		for _, old := range t.Synonyms {
			if _, keep := want[strings.ToLower(old)]; keep {
				delete(want, strings.ToLower(old))
				continue
			}
			if _, err := removeSynonym(ctx, tx, t.ID, old); err != nil {
				return err
			}
		}
		for _, syn := range want {
			label = syn
			if err := addSynonym(ctx, tx, t.ID, syn); err != nil {
				return err
			}
		}
		return s.relabelled(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, label, "synonyms"))
}

// Merge folds topic from into topic into: from's name and synonyms become
// into's synonyms, its children move to into, every reference to it is
// re-pointed by the registered hooks, and its slug redirects to into; all
// in one transaction.
func (s *Topics) Merge(ctx context.Context, v *web.Viewer, from, into Topic) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	if from.ID == into.ID {
		return []*errs.Error{errs.E(errs.Invalid, "topics.merge_self").OnField("into")}, nil
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		for _, id := range []int64{from.ID, into.ID} {
			if _, err := s.Store.Descendants(ctx, tx, id); err != nil {
				return errs.E(errs.NotFound, "topics.merge_target_unknown").OnField("into")
			}
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, from.ID, into.ID); err != nil {
				return fmt.Errorf("merge hook: %w", err)
			}
		}
		// The search learns of both: the content of each now shows into,
		// and from's name is one of into's synonyms.
		if err := s.changed(ctx, tx, from.ID, into.ID); err != nil {
			return err
		}
		return mergeRows(ctx, tx, from.ID, into.ID)
	})
	return asProblems(err)
}

// Delete removes an unsorted proposal that has no children and that no
// content references (areas reference topics without ON DELETE CASCADE,
// so a referenced proposal is refused: merge it instead).
func (s *Topics) Delete(ctx context.Context, v *web.Viewer, t Topic) error {
	if err := requireKM(v); err != nil {
		return err
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.changed(ctx, tx, t.ID); err != nil {
			return err
		}
		return deleteProposal(ctx, tx, t.ID)
	})
	if errs.CodeOf(err) == errs.Internal && isForeignKeyViolation(err) {
		return errs.E(errs.Conflict, "topics.delete_in_use")
	}
	return err
}

// checkParent refuses a parent that does not exist or is an unsorted
// proposal: the tree is curated, and a proposal above a sorted topic would
// show its name, which only readers of its content may see, to everyone
// reading the child. Both answer alike.
func (s *Topics) checkParent(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := s.Store.Descendants(ctx, tx, id); err != nil {
		return errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
	}
	list, err := s.Store.ByIDs(ctx, []int64{id})
	if err != nil {
		return err
	}
	if len(list) != 1 || list[0].Unsorted {
		return errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
	}
	return nil
}
