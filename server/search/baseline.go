package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// baselinePayload is the largest payload the baseline sends at once, well
// below Meilisearch's default limit of 100 MB per request.
const baselinePayload = 64 << 20

// BulkIndexBaseline copies the settings and documents of the index from
// into a fresh index to (replacing one of that name) by Meilisearch's own
// bulk indexing: the settings on the empty index, then every document in
// as few NDJSON payloads as the request limit allows. It returns how long
// Meilisearch took to index the documents, from the first payload sent
// until the last task is done, and how many there were. A full reindex is
// held against this time (DESIGN.md section 9).
func BulkIndexBaseline(ctx context.Context, client meilisearch.ServiceManager, from, to string) (time.Duration, int, error) {
	settings, err := client.Index(from).GetSettingsWithContext(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("baseline: settings of %s: %w", from, err)
	}
	payloads, n, err := exportDocuments(ctx, client.Index(from))
	if err != nil {
		return 0, 0, err
	}
	if err := recreateIndex(ctx, client, to); err != nil {
		return 0, 0, err
	}
	task, err := client.Index(to).UpdateSettingsWithContext(ctx, settings)
	if err != nil {
		return 0, 0, fmt.Errorf("baseline: settings of %s: %w", to, err)
	}
	if err := waitTask(ctx, client, task.TaskUID); err != nil {
		return 0, 0, fmt.Errorf("baseline: settings of %s: %w", to, err)
	}
	pk := "id"
	start := time.Now()
	var tasks []int64
	for _, p := range payloads {
		task, err := client.Index(to).AddDocumentsNdjsonWithContext(ctx, p, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return 0, 0, fmt.Errorf("baseline: add documents to %s: %w", to, err)
		}
		tasks = append(tasks, task.TaskUID)
	}
	for _, t := range tasks {
		if err := waitTask(ctx, client, t); err != nil {
			return 0, 0, fmt.Errorf("baseline: add documents to %s: %w", to, err)
		}
	}
	return time.Since(start), n, nil
}

// exportDocuments reads every document of an index through the documents
// API into NDJSON payloads of at most baselinePayload bytes.
func exportDocuments(ctx context.Context, idx meilisearch.IndexManager) ([][]byte, int, error) {
	var payloads [][]byte
	var buf bytes.Buffer
	n := 0
	const page = 5000
	for offset := int64(0); ; offset += page {
		var res meilisearch.DocumentsResult
		if err := idx.GetDocumentsWithContext(ctx, &meilisearch.DocumentsQuery{Offset: offset, Limit: page}, &res); err != nil {
			return nil, 0, fmt.Errorf("baseline: read documents: %w", err)
		}
		for _, hit := range res.Results {
			line, err := json.Marshal(hit)
			if err != nil {
				return nil, 0, fmt.Errorf("baseline: encode document: %w", err)
			}
			if buf.Len() > 0 && buf.Len()+len(line)+1 > baselinePayload {
				payloads = append(payloads, bytes.Clone(buf.Bytes()))
				buf.Reset()
			}
			buf.Write(line)
			buf.WriteByte('\n')
			n++
		}
		if len(res.Results) < page {
			break
		}
	}
	if buf.Len() > 0 {
		payloads = append(payloads, buf.Bytes())
	}
	return payloads, n, nil
}

// recreateIndex deletes the index uid if it exists and creates it empty.
func recreateIndex(ctx context.Context, client meilisearch.ServiceManager, uid string) error {
	// The deletion fails when there is no such index, which is fine; an
	// index left in place makes the creation fail.
	if task, err := client.DeleteIndexWithContext(ctx, uid); err == nil {
		client.WaitForTaskWithContext(ctx, task.TaskUID, 10*time.Millisecond) //nolint:errcheck // see above
	}
	task, err := client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
	if err != nil {
		return fmt.Errorf("baseline: create %s: %w", uid, err)
	}
	if err := waitTask(ctx, client, task.TaskUID); err != nil {
		return fmt.Errorf("baseline: create %s: %w", uid, err)
	}
	return nil
}

// waitTask blocks until Meilisearch has processed a task and reports its
// failure as an error. It asks every 50 ms: indexing takes seconds, and
// asking more often takes processor time from it.
func waitTask(ctx context.Context, client meilisearch.ServiceManager, uid int64) error {
	task, err := client.WaitForTaskWithContext(ctx, uid, 50*time.Millisecond)
	if err != nil {
		return err
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch task %d %s: %s", uid, task.Status, task.Error.Message)
	}
	return nil
}
