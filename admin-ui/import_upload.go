package adminui

import (
	"bytes"
	"io"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/web"
)

// What the Excel imports (服务事项, 节假日安排) share: reading the uploaded
// workbook, and keeping its error workbook for download.

// importMaxBody bounds the import post: one workbook of at most
// files.MaxSize and the form fields.
const importMaxBody = files.MaxSize + 1<<20

// maxShownErrors is how many bad rows a result page lists; all of them
// are in the error workbook.
const maxShownErrors = 20

// readImport reads the workbook posted as "file" with read (excel.ReadCatalog,
// excel.ReadHolidays). When the file cannot be imported — none chosen, too
// large, not a workbook, a wrong header, too many rows — problem says why,
// for the form; err is any other failure.
func readImport[R any](c *gin.Context, read func(io.Reader) ([]R, error)) (name string, rows []R, problem string, err error) {
	fh := postedFile(c, "file")
	if fh == nil {
		return "", nil, "请选择要上传的 Excel 文件（.xlsx）", nil
	}
	if fh.Size > files.MaxSize {
		return "", nil, "文件不能超过 10 MB", nil
	}
	r, err := fh.Open()
	if err != nil {
		return "", nil, "文件读取失败，请重新选择文件", nil
	}
	defer r.Close()
	rows, err = read(io.LimitReader(r, files.MaxSize))
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid {
			return "", nil, "", err
		}
		msg := e.Message
		if d := e.Fields["header"]; d != "" {
			msg += "（" + d + "）"
		}
		return "", nil, msg, nil
	}
	return fh.Filename, rows, "", nil
}

// uploadProblemForm is the import form again, saying why the file was
// not imported.
func uploadProblemForm(problem string) *form {
	f := newForm()
	f.Errors["file"] = problem
	f.Message = "文件未能导入：" + problem
	return f
}

// errorBookTTL is how long the error workbook of an import can be
// downloaded. It is kept in this process's memory, one per user and
// import: a download is right after the import, and a restart (or, with
// several replicas, another replica) only means importing the file again.
const errorBookTTL = 30 * time.Minute

// errorBooks holds each user's latest import error workbooks.
type errorBooks struct {
	mu    sync.Mutex
	books map[string]errorBook
}

type errorBook struct {
	data    []byte
	expires time.Time
}

func (b *errorBooks) put(key string, data []byte, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, v := range b.books { // drop expired ones, so memory stays bounded by active users
		if now.After(v.expires) {
			delete(b.books, k)
		}
	}
	b.books[key] = errorBook{data: data, expires: now.Add(errorBookTTL)}
}

func (b *errorBooks) get(key string, now time.Time) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.books[key]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.data, true
}

// keepErrorBook writes an import's error workbook and keeps it under key
// (one per user and import) for sendErrorBook.
func (u *ui) keepErrorBook(key string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	u.importErrors.put(key, buf.Bytes(), u.Now())
	return nil
}

// sendErrorBook downloads the error workbook kept under key as
// name-YYYYMMDD.xlsx.
func (u *ui) sendErrorBook(c *gin.Context, key, name string) {
	data, ok := u.importErrors.get(key, u.Now())
	if !ok {
		web.Fail(c, &apperr.Error{Kind: apperr.KindNotFound, Code: "not_found", Message: "错误文件已过期或不存在：导入后 30 分钟内可以下载，请重新导入"})
		return
	}
	sendXLSX(c, name+"-"+stamp(u.Now())+".xlsx", data)
}

// sendWorkbookBytes answers with a workbook written in memory by write.
func sendWorkbookBytes(c *gin.Context, name string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		web.Fail(c, err)
		return
	}
	sendXLSX(c, name, buf.Bytes())
}
