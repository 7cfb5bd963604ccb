import { NextRequest, NextResponse } from 'next/server';

export async function GET(request: NextRequest) {
  const target = request.nextUrl.searchParams.get('url');
  const page = await fetch(target!, { signal: AbortSignal.timeout(5000) }); // ruleid: server-side-request-forgery
  const html = await page.text();
  return NextResponse.json({ title: html.slice(0, 80) });
}

export async function POST(request: NextRequest) {
  const { slug } = await request.json();
  const res = await fetch(`https://cms.example.com/api/pages/${encodeURIComponent(slug)}`); // ok: server-side-request-forgery
  return NextResponse.json(await res.json());
}
