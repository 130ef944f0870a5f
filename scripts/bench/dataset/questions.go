package dataset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

var questionForms = []string{"Wie beantrage ich %s?", "Wer ist zuständig für %s?", "Welche Frist gilt beim %s?",
	"Brauche ich für %s einen %s?", "Gibt es eine Vorlage für %s?", "Wie läuft das %s ab?", "Was ist bei %s und %s zu beachten?",
	"Wo finde ich Informationen zum %s?", "Darf ich %s ohne %s durchführen?", "Wie lange dauert die Bearbeitung von %s?"}

// questionCount is how many of the questions go to space si.
func (p *plan) questionCount(si int) int {
	n := p.opts.Questions / p.opts.Spaces
	if si < p.opts.Questions%p.opts.Spaces {
		n++
	}
	return n
}

// questions is the rows of one space's questions as the board writes
// them: each with its first revision, its answers with theirs, votes and
// the scores they add up to, accepted answers for some, topics, and the
// watches of the asker and those who answered.
func (p *plan) questions(rng *rand.Rand, voc *vocabulary, si int, firstQuestion, firstAnswer int64) *chunk {
	c := newChunk("questions", "answers", "post_revisions", "votes", "question_topics", "watches")
	s := p.spaces[si]
	w := &writer{v: voc, rng: rng, theme: s.theme}
	voters := s.writers
	for _, m := range s.members {
		if m.role == "viewer" {
			voters = append(voters[:len(voters):len(voters)], m.account)
		}
	}
	nAnswers := p.opts.AnswersPerQuestion
	for k := range p.questionCount(si) {
		qid := firstQuestion + int64(k)
		form := questionForms[rng.IntN(len(questionForms))]
		args := make([]any, strings.Count(form, "%s"))
		for i := range args {
			args[i] = w.phrase(1)
		}
		title := fmt.Sprintf(form, args...)
		w.paragraph(25 + rng.IntN(35))
		body := w.take()
		asker := s.writers[rng.IntN(len(s.writers))]
		asked := spread(rng, s.created, p.now.Add(-72*time.Hour))
		active := asked
		watchers := map[int64]bool{asker: true}
		c.add("watches", asker, "question", qid, asked)
		answerIDs := make([]int64, 0, nAnswers)
		for a := range nAnswers {
			aid := firstAnswer + int64(k*nAnswers+a)
			author := s.writers[rng.IntN(len(s.writers))]
			at := p.clamp(spread(rng, active, active.Add(time.Duration(1+rng.IntN(48))*time.Hour)))
			active = at
			w.paragraph(15 + rng.IntN(35))
			text := w.take()
			score := p.vote(rng, c, voters, "answer", aid, author, at)
			c.add("answers", aid, qid, author, text, score, at, at)
			c.add("post_revisions", "answer", aid, 1, nil, text, author, at)
			if !watchers[author] {
				watchers[author] = true
				c.add("watches", author, "question", qid, at)
			}
			answerIDs = append(answerIDs, aid)
		}
		if len(answerIDs) > 0 && rng.IntN(10) < 4 {
			c.acceptedQ = append(c.acceptedQ, qid)
			c.acceptedA = append(c.acceptedA, answerIDs[rng.IntN(len(answerIDs))])
			active = p.clamp(active.Add(time.Duration(1+rng.IntN(24)) * time.Hour))
		}
		var closedAt *time.Time
		var closedBy *int64
		var reason *string
		if rng.IntN(100) == 0 && len(s.members) > 1 {
			t, by, why := p.clamp(active.Add(time.Hour)), s.members[1].account, "Die Frage ist beantwortet."
			closedAt, closedBy, reason = &t, &by, &why
		}
		score := p.vote(rng, c, voters, "question", qid, asker, asked)
		// The question goes before its answers in the copy: rows are
		// gathered per table, and questions come first.
		c.add("questions", qid, s.id, asker, title, body, score, nAnswers, closedAt, closedBy, reason, asked, asked, active)
		c.add("post_revisions", "question", qid, 1, title, body, asker, asked)
		if len(s.topics) > 0 {
			for _, t := range rng.Perm(len(s.topics))[:min(len(s.topics), rng.IntN(3))] {
				c.add("question_topics", qid, s.topics[t])
			}
		}
	}
	return c
}

// vote adds a few votes on a post by people of its space other than its
// author and returns the post's score.
func (p *plan) vote(rng *rand.Rand, c *chunk, voters []int64, postType string, postID, author int64, after time.Time) int {
	score, seen := 0, map[int64]bool{author: true}
	for range rng.IntN(5) {
		who := voters[rng.IntN(len(voters))]
		if seen[who] {
			continue
		}
		seen[who] = true
		value := 1
		if rng.IntN(8) == 0 {
			value = -1
		}
		score += value
		c.add("votes", postType, postID, who, int16(value), p.clamp(spread(rng, after, after.Add(30*24*time.Hour))))
	}
	return score
}

// clamp keeps a time in the past.
func (p *plan) clamp(t time.Time) time.Time {
	if t.After(p.now) {
		return p.now.Add(-time.Minute)
	}
	return t
}
