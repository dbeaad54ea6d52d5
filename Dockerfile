# The production image: gunicorn serves Django, whitenoise the static files, Celery the jobs.
#   docker build -t aspire .      (docker-compose.yml builds and runs it with PostgreSQL and Redis)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext compiles the translation catalogues; Pango and the IPAex fonts let WeasyPrint
# write the Japanese PDF evaluation reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-ipaexfont-gothic fonts-ipaexfont-mincho \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, in their own layer: pyproject.toml names them and no package of ours
# ([tool.setuptools] packages = []), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compilemessages --ignore=.venv

# Static files are collected when the container starts (the web service of
# docker-compose.yml runs migrate, then collectstatic), into a folder the app user owns.
RUN useradd --create-home aspire \
    && mkdir -p /app/media /app/staticfiles \
    && chown aspire /app/media /app/staticfiles
USER aspire
EXPOSE 8000
CMD ["sh", "-c", "python manage.py collectstatic --noinput && exec gunicorn --bind 0.0.0.0:8000 --access-logfile -"]
