'use client';
import { useSearchParams } from 'next/navigation';
import DOMPurify from 'dompurify';

export function MessagePreview() {
  const params = useSearchParams();
  const message = params.get('message') ?? '';
  return (
    <section className="preview">
      {/* ruleid: cross-site-scripting */}
      <div dangerouslySetInnerHTML={{ __html: message }} />
      {/* ok: cross-site-scripting */}
      <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(message) }} />
      <p>{message}</p>
    </section>
  );
}

export function renderBanner(el: HTMLElement) {
  const text = new URLSearchParams(window.location.search).get('banner');
  el.innerHTML = `<strong>${text}</strong>`; // ruleid: cross-site-scripting
  el.textContent = text; // ok: cross-site-scripting
}
