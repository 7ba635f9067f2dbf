package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus collectors of one server, on their own registry.
type Metrics struct {
	Registry *prometheus.Registry
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	dbErrors prometheus.Counter
	JobRuns  *prometheus.CounterVec

	cacheHits, cacheMisses prometheus.Counter // anonymous public reads served from / into the response cache
}

func newMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "agencyhall_http_request_duration_seconds", Help: "HTTP request duration by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "agencyhall_http_in_flight_requests", Help: "Requests being served."}),
		dbErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "agencyhall_db_errors_total", Help: "Requests that failed because the database was unavailable."}),
		JobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "agencyhall_job_runs_total", Help: "Scheduled job runs by job and outcome."},
			[]string{"job", "outcome"}),
	}
	m.cacheHits = prometheus.NewCounter(prometheus.CounterOpts{Name: "agencyhall_http_cache_hits_total",
		Help: "Anonymous public reads answered from the response cache."})
	m.cacheMisses = prometheus.NewCounter(prometheus.CounterOpts{Name: "agencyhall_http_cache_misses_total",
		Help: "Anonymous public reads rendered afresh."})
	m.Registry.MustRegister(m.duration, m.inFlight, m.dbErrors, m.JobRuns, m.cacheHits, m.cacheMisses,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) middleware(c *gin.Context) {
	start := time.Now()
	m.inFlight.Inc()
	defer m.inFlight.Dec()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.duration.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
