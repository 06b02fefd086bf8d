-- What was published, and why, after a moment: the reasons a figure may have been revised.
select p.inspection_id, p.reason, p.published_at, p.return_sha256
from marts.dim_publication p
where p.published_at > ?
union all
select null, 'survey', s.published_at, s.delivery_sha256
from marts.dim_survey s
where s.published_at > ?
order by published_at
